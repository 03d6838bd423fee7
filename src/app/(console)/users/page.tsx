import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { pagingFrom } from "~/components/url-read";
import { usersInput } from "./list-input";
import { UsersView } from "./users-view";

export const metadata: Metadata = { title: "Users / 用户" };

export default prefetchedPage(UsersView, (trpc, url) => [
  trpc.user.list.queryOptions({ ...usersInput(url), skip: pagingFrom(url).skip }),
  trpc.user.roleOptions.queryOptions(),
]);
