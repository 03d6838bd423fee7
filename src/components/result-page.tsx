"use client";

import { Result } from "antd";

export function ResultPage({ status, title, subTitle }: { status: "404" | "403" | "500"; title: string; subTitle: string }) {
  return (
    <main style={{ paddingTop: 80 }}>
      <Result status={status} title={title} subTitle={subTitle} />
    </main>
  );
}
