import { flagFrom, listParams, type UrlReader } from "~/components/url-read";
import { ROLE_ORDER } from "~/lib/validators/values";
import type { RoleListInput } from "~/lib/validators/role";

/** The role list's filter (also what Export sends) and its page, from the URL. */
export function rolesInput(url: UrlReader) {
  const { params, slice } = listParams(url, ROLE_ORDER);
  const filter: RoleListInput = { name: url.get("name") || undefined, builtIn: flagFrom(url, "builtIn"), ...params };
  return { filter, input: { ...filter, ...slice } satisfies RoleListInput };
}
