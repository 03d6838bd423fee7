import type { Metadata } from "next";
import { AccountView } from "./account-view";

export const metadata: Metadata = { title: "My account / 我的账户" };

export default function AccountPage() {
  return <AccountView />;
}
