import { dateRangeFrom, sliceFrom, type UrlReader } from "~/components/url-read";
import { FILE_KINDS } from "~/lib/validators/values";
import type { FileListInput } from "~/lib/validators/file";

/** The file list's filter and page from the URL. */
export const filesInput = (url: UrlReader): FileListInput => ({
  kind: url.oneOf("kind", FILE_KINDS),
  folder: url.get("folder") || undefined,
  ownerId: url.get("owner") || undefined,
  ...dateRangeFrom(url),
  ...sliceFrom(url),
});
