"use client";

import type { ReactNode } from "react";
import { Empty, Typography, type TabsProps } from "antd";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { DetailPage, Facts } from "~/components/detail-page";
import { TagList } from "~/components/list-page";
import { useHistoryTab } from "~/components/record-history";
import type { ApiScopeItem } from "~/lib/validators/api";

/**
 * The detail page of an API scope or an identity resource (one shape: name, display name,
 * description, claims): overview, claims, the kind's own tabs, and history; Edit opens the
 * list's own drawer, which `drawer` renders.
 */
export function CatalogDetail<T extends ApiScopeItem>({
  ns,
  back,
  query,
  badge,
  facts,
  tabs,
  drawer,
}: {
  ns: "apiScope" | "identityResource";
  back: string;
  query: { data?: T; isLoading: boolean; isError: boolean; error: unknown };
  badge?: (item: T) => ReactNode;
  facts?: (item: T) => { label: ReactNode; value: ReactNode }[];
  tabs?: (item: T) => NonNullable<TabsProps["items"]>;
  drawer: (editing: T | null, close: () => void) => ReactNode;
}) {
  const t = useTranslations(ns);
  const c = useTranslations("common");
  const [editing, setEditing] = useState<T | null>(null);
  const item = query.data;
  const history = useHistoryTab(item?.id ?? "");
  return (
    <>
      <DetailPage
        query={query}
        back={{ href: back, label: t("title") }}
        title={
          item && (
            <>
              <Typography.Text code>{item.name}</Typography.Text>
              {item.displayName}
              {badge?.(item)}
            </>
          )
        }
        intro={item?.description ?? undefined}
        onEdit={item ? () => setEditing(item) : undefined}
        tabs={
          item && [
            {
              key: "overview",
              label: c("overview"),
              children: (
                <Facts
                  record={item}
                  items={[
                    {
                      label: t("name"),
                      value: (
                        <Typography.Text code copyable>
                          {item.name}
                        </Typography.Text>
                      ),
                    },
                    { label: t("displayName"), value: item.displayName ?? "—" },
                    { label: t("description"), value: item.description ?? "—" },
                    ...(facts?.(item) ?? []),
                    { label: "ID", value: <Typography.Text copyable>{item.id}</Typography.Text> },
                  ]}
                />
              ),
            },
            {
              key: "claims",
              label: `${t("claims")} (${item.claims.length})`,
              children: item.claims.length ? <TagList items={item.claims} /> : <Empty description={t("noClaims")} />,
            },
            ...(tabs?.(item) ?? []),
            ...history,
          ]
        }
      />
      {drawer(editing, () => setEditing(null))}
    </>
  );
}
