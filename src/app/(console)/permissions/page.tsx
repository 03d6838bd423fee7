import type { Metadata } from "next";
import { PermissionsView } from "./permissions-view";

export const metadata: Metadata = { title: "Permission codes / 权限码" };

export default function PermissionsPage() {
  return <PermissionsView />;
}
