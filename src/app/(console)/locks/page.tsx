import type { Metadata } from "next";
import { LocksView } from "./locks-view";

export const metadata: Metadata = { title: "Account locks / 账号锁定" };

export default function LocksPage() {
  return <LocksView />;
}
