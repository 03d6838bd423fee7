import { listParams, type UrlReader } from "~/components/url-read";
import { API_ORDER } from "~/lib/validators/values";
import type { ApiScopeListInput } from "~/lib/validators/api";

/** The API scope list's input from the URL. */
export function apiScopesInput(url: UrlReader): ApiScopeListInput {
  const { params, slice } = listParams(url, API_ORDER);
  return { name: url.get("name") || undefined, ...params, ...slice };
}
