import type { Metadata } from "next";
import { IdentityResourcesView } from "./identity-resources-view";

export const metadata: Metadata = { title: "Identity resources / 身份资源" };

export default function IdentityResourcesPage() {
  return <IdentityResourcesView />;
}
