import type { Metadata } from "next";
import { UserDetailView } from "./user-detail-view";

export const metadata: Metadata = { title: "User / 用户" };

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <UserDetailView id={id} />;
}
