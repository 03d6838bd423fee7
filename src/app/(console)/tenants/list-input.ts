import { listParams, type UrlReader } from "~/components/url-read";
import { TENANT_ORDER, TENANT_STATUSES } from "~/lib/validators/values";
import type { TenantListInput } from "~/lib/validators/tenant";

/** The tenant list's input from the URL. */
export function tenantsInput(url: UrlReader): TenantListInput {
  const { params, slice } = listParams(url, TENANT_ORDER);
  return { name: url.get("name") || undefined, host: url.get("host") || undefined, status: url.oneOf("status", TENANT_STATUSES), ...params, ...slice };
}
