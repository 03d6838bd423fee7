import type { Metadata } from "next";
import { ApiResourcesView } from "./api-resources-view";

export const metadata: Metadata = { title: "API resources / API 资源" };

export default function ApiResourcesPage() {
  return <ApiResourcesView />;
}
