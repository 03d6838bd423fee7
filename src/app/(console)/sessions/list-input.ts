import { listParams, type UrlReader } from "~/components/url-read";
import { SESSION_ORDER, SESSION_SITES, SESSION_STATES } from "~/lib/validators/values";

/** The session list's input from the URL (`bin`: ended sessions). */
export function sessionsInput(url: UrlReader) {
  const { params, slice } = listParams(url, SESSION_ORDER);
  return {
    deleted: url.get("bin") === "true",
    // Operators may narrow to one tenant by link (ignored for everyone else).
    tenantId: url.get("tenantId") || undefined,
    user: url.get("user") || undefined,
    ip: url.get("ip") || undefined,
    state: url.oneOf("state", SESSION_STATES),
    site: url.oneOf("site", SESSION_SITES),
    ...params,
    ...slice,
  };
}
