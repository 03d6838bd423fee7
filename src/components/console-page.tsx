"use client";

import { Space, Typography } from "antd";
import type { ReactNode } from "react";

/** Every console page: a title, an optional line of explanation and actions, then the content. */
export function ConsolePage({ title, intro, extra, children }: { title: ReactNode; intro?: ReactNode; extra?: ReactNode; children: ReactNode }) {
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} className="uc-console-page">
      {/* On a narrow screen the actions go below the title rather than squeeze it letter by letter. */}
      <div style={{ display: "flex", flexWrap: "wrap", justifyContent: "space-between", alignItems: "center", gap: 16 }}>
        <Typography.Title level={3} style={{ margin: 0, wordBreak: "normal", overflowWrap: "anywhere" }}>
          {title}
        </Typography.Title>
        {extra}
      </div>
      {intro && (
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {intro}
        </Typography.Paragraph>
      )}
      {children}
    </Space>
  );
}
