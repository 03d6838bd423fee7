import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { pagingFrom } from "~/components/url-read";
import { usersInput } from "./list-input";
import { UsersView } from "./users-view";

export const metadata: Metadata = { title: "Users / 用户" };

// Page 1 only: the browser reaches later pages by the previous page's cursor (another query key).
export default prefetchedPage(UsersView, (trpc, url) => [
  ...(pagingFrom(url).page === 1 ? [trpc.user.list.queryOptions({ ...usersInput(url), skip: 0 })] : []),
  trpc.user.roleOptions.queryOptions(),
]);
