import { listParams, type UrlReader } from "~/components/url-read";
import { USER_ORDER, USER_STATUSES } from "~/lib/validators/values";
import type { UserListInput } from "~/lib/validators/user";

export const TEXT_FILTERS = ["name", "phone", "email", "provider", "providerKey", "claimType", "claimValue"] as const;

/** The user list's filter, sorting and page size from the URL (the page itself: `skip` or a cursor). */
export function usersInput(url: UrlReader): UserListInput {
  const { params, slice } = listParams(url, USER_ORDER);
  return {
    deleted: url.get("bin") === "true",
    ...Object.fromEntries(TEXT_FILTERS.map((k) => [k, url.get(k) || undefined])),
    roleId: url.get("role") || undefined,
    status: url.oneOf("status", USER_STATUSES),
    ...params,
    take: slice.take,
  };
}
