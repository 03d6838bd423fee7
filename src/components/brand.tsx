"use client";

import { createContext, useContext, type ReactNode } from "react";
import { Typography } from "antd";
import type { Brand } from "~/lib/branding";

const BrandContext = createContext<Brand | null>(null);

/** The tenant's brand for every page under it (set by the root layout). */
export const BrandProvider = ({ brand, children }: { brand: Brand | null; children: ReactNode }) => (
  <BrandContext.Provider value={brand}>{children}</BrandContext.Provider>
);

export const useBrand = () => useContext(BrandContext);

/** The tenant's logo (when it has one) and name, as the head of its pages. */
export function BrandMark({ brand, size = 32, fallbackName }: { brand: Brand | null; size?: number; fallbackName?: string }) {
  const name = brand?.name ?? fallbackName ?? "";
  return (
    <span data-testid="brand-mark" style={{ display: "inline-flex", alignItems: "center", gap: 10, minWidth: 0 }}>
      {brand?.logo && <img src={brand.logo} alt="" width={size} height={size} style={{ objectFit: "contain", borderRadius: 6, flex: "none" }} />}
      <Typography.Text strong ellipsis style={{ fontSize: size >= 32 ? 18 : 16, color: "inherit" }}>
        {name}
      </Typography.Text>
    </span>
  );
}
