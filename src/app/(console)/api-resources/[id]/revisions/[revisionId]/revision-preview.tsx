"use client";

import { Space, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import { useTRPC } from "~/trpc/react";
import { DetailPage } from "~/components/detail-page";
import { ScalarDocument } from "~/app/(console)/api-docs/api-reference";
import { ChangeList } from "../../publishing";

/**
 * A revision's private preview in the console: its reference as callers would see it once it is
 * online, and its changelog. Only who may see the API's versions reaches it (the revision
 * procedure's permission and the API's owner rule).
 */
export function RevisionPreview({ apiId, revisionId }: { apiId: string; revisionId: string }) {
  const t = useTranslations("apiPublish");
  const a = useTranslations("apiResource");
  const trpc = useTRPC();
  const api = useQuery(trpc.apiResource.detail.queryOptions({ id: apiId }));
  const revision = useQuery(trpc.apiPublish.revision.queryOptions({ id: revisionId }));
  const versions = useQuery(trpc.apiPublish.versions.queryOptions({ id: apiId }));
  const r = revision.data;
  const source = useMemo(() => ({ content: r?.document ?? {} }), [r?.document]);
  const version = versions.data?.find((v) => v.id === r?.apiVersionId);
  const query = { isLoading: api.isLoading || revision.isLoading, isError: api.isError || revision.isError, error: api.error ?? revision.error };
  return (
    <DetailPage
      query={query}
      back={{ href: `/api-resources/${apiId}`, label: api.data?.displayName ?? api.data?.name ?? a("title") }}
      title={
        r && (
          <>
            {t("previewTitle", { api: api.data?.name ?? "", version: version?.name ?? "", n: r.number })}
            {r.online ? <Tag color="green">{t("online")}</Tag> : <Tag>{t("notOnline")}</Tag>}
            {r.breaking && <Tag color="red">{t("breaking")}</Tag>}
          </>
        )
      }
      intro={r && !r.online ? t("previewIntro") : undefined}
      tabs={
        r && [
          { key: "reference", label: t("preview"), children: <ScalarDocument source={source} /> },
          {
            key: "changes",
            label: t("changelog"),
            children: (
              <Card size="small">
                <Space orientation="vertical" style={{ width: "100%" }}>
                  {r.note && <Typography.Paragraph>{r.note}</Typography.Paragraph>}
                  <ChangeList changes={r.changes} />
                </Space>
              </Card>
            ),
          },
        ]
      }
    />
  );
}
