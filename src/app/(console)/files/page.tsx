import type { Metadata } from "next";
import { prefetchedPage } from "~/trpc/server";
import { filesInput } from "~/components/files/list-input";
import { FilesView } from "~/components/files/files-view";

export const metadata: Metadata = { title: "Files / 文件" };

export default prefetchedPage(FilesView, (trpc, url) => [
  trpc.file.list.queryOptions(filesInput(url)),
  trpc.file.folders.queryOptions(),
  trpc.file.usage.queryOptions(),
]);
