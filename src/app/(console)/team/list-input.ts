import { sliceFrom, type UrlReader } from "~/components/url-read";

/** The referral tree's root, search, depth and page from the URL. */
export const teamInput = (url: UrlReader) => ({
  userId: url.get("root") || undefined,
  search: url.get("q") || undefined,
  maxLevel: Number(url.get("levels")) || undefined,
  ...sliceFrom(url),
});
