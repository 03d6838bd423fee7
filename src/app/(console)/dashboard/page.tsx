import type { Metadata } from "next";
import { DashboardView } from "./dashboard-view";

export const metadata: Metadata = { title: "Dashboard / 仪表盘" };

export default function DashboardPage() {
  return <DashboardView />;
}
