import { sliceFrom, type UrlReader } from "~/components/url-read";
import { EXPORT_STATUSES } from "~/lib/validators/values";

/** My export jobs' page and status filter from the URL. */
export const exportsInput = (url: UrlReader) => ({ ...sliceFrom(url), status: url.oneOf("status", EXPORT_STATUSES) });
