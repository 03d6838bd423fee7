import type { Metadata } from "next";
import { ApiScopesView } from "./api-scopes-view";

export const metadata: Metadata = { title: "API scopes / API 范围" };

export default function ApiScopesPage() {
  return <ApiScopesView />;
}
