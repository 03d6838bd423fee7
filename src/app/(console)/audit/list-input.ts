import { dateRangeFrom, sliceFrom, type UrlReader } from "~/components/url-read";
import type { AuditListInput } from "~/lib/validators/audit";

/** The audit list's filter (also what Export sends) and its page, from the URL. */
export function auditInput(url: UrlReader) {
  const filter: AuditListInput = {
    actor: url.get("actor") || undefined,
    action: url.get("action") || undefined,
    recordId: url.get("recordId") || undefined,
    resource: url.get("resource") || undefined,
    tenantId: url.get("tenantId") || undefined,
    ...dateRangeFrom(url),
  };
  return { filter, input: { ...filter, ...sliceFrom(url) } satisfies AuditListInput };
}
