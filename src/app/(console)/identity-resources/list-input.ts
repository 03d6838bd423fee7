import { flagFrom, listParams, type UrlReader } from "~/components/url-read";
import { API_ORDER } from "~/lib/validators/values";
import type { IdentityResourceListInput } from "~/lib/validators/api";

/** The identity resource list's input from the URL (`kind`: standard or custom). */
export function identityResourcesInput(url: UrlReader): IdentityResourceListInput {
  const { params, slice } = listParams(url, API_ORDER);
  return { name: url.get("name") || undefined, standard: flagFrom(url, "kind", "standard", "custom"), ...params, ...slice };
}
