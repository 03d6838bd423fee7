import type { Metadata } from "next";
import { FilesView } from "~/components/files/files-view";

export const metadata: Metadata = { title: "Files / 文件" };

export default function FilesPage() {
  return <FilesView />;
}
