"use client";

import dynamic from "next/dynamic";

// antd's Result (its illustrations are most of its size) loads with the pages that show one,
// not with every page: the root layout's not-found boundary holds this component.
const Result = dynamic(() => import("antd/es/result"));

export function ResultPage({ status, title, subTitle }: { status: "404" | "403" | "500"; title: string; subTitle: string }) {
  return (
    <main style={{ paddingTop: 80 }}>
      <Result status={status} title={title} subTitle={subTitle} />
    </main>
  );
}
