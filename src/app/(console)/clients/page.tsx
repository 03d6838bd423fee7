import type { Metadata } from "next";
import { ClientsView } from "./clients-view";

export const metadata: Metadata = { title: "OAuth clients / OAuth 客户端" };

export default function ClientsPage() {
  return <ClientsView />;
}
