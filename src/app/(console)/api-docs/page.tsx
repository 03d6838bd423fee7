import type { Metadata } from "next";
import { ApiReference } from "./api-reference";

export const metadata: Metadata = { title: "API reference / API 文档" };

export default function ApiDocsPage() {
  return <ApiReference />;
}
