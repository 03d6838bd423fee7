import type { Metadata } from "next";
import { ExportsView } from "./exports-view";

export const metadata: Metadata = { title: "Exports / 导出任务" };

export default function ExportsPage() {
  return <ExportsView />;
}
