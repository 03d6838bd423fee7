import { flagFrom, listParams, type UrlReader } from "~/components/url-read";
import { API_ORDER } from "~/lib/validators/values";
import type { ApiResourceListInput } from "~/lib/validators/api";

/** The API resource list's input from the URL. */
export function apiResourcesInput(url: UrlReader): ApiResourceListInput {
  const { params, slice } = listParams(url, API_ORDER);
  return { name: url.get("name") || undefined, enabled: flagFrom(url, "enabled"), ...params, ...slice };
}
