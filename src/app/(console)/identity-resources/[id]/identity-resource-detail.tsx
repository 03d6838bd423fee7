"use client";

import { Tag } from "~/components/tag";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { CatalogDetail } from "~/components/catalog-detail";
import { useSeededText } from "~/components/use-seeded-text";
import { IdentityDrawer } from "../identity-drawer";

export function IdentityResourceDetail({ id }: { id: string }) {
  const t = useTranslations("identityResource");
  const locale = useLocale();
  const trpc = useTRPC();
  const seeded = useSeededText();
  const qc = useQueryClient();
  const detail = useQuery(trpc.identityResource.detail.queryOptions({ id }));
  return (
    <CatalogDetail
      ns="identityResource"
      back="/identity-resources"
      query={{ ...detail, data: detail.data && seeded.identity(detail.data) }}
      badge={(r) => <Tag color={r.standard ? "blue" : undefined}>{r.standard ? t("standard") : t("custom")}</Tag>}
      facts={(r) => [{ label: t("kind"), value: r.standard ? t("standardHelp") : t("custom") }]}
      drawer={(editing, close) => (
        <IdentityDrawer
          key={`${editing?.id ?? "closed"}-${locale}`}
          item={editing}
          onClose={close}
          onSaved={() => qc.invalidateQueries(trpc.identityResource.pathFilter())}
        />
      )}
    />
  );
}
