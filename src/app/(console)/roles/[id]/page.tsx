import type { Metadata } from "next";
import { RoleDetailView } from "./role-detail-view";

export const metadata: Metadata = { title: "Role / 角色" };

export default async function RoleDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RoleDetailView id={id} />;
}
