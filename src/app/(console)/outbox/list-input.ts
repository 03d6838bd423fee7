import { sliceFrom, type UrlReader } from "~/components/url-read";

/** The outbox page and its recipient filter from the URL. */
export const outboxInput = (url: UrlReader) => ({ to: url.get("to") || undefined, ...sliceFrom(url) });
