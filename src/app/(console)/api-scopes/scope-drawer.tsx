"use client";

import { FormDrawer, useDrawerSave } from "~/components/form-drawer";
import { CatalogClaimsField, CatalogNameFields, catalogNameValues } from "~/components/api-catalog-fields";
import { Form } from "antd";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { apiScopeCreateInput, apiScopeUpdateInput, type ApiScopeItem } from "~/lib/validators/api";

interface FormValues {
  name: string;
  displayName?: string;
  description?: string;
  claims: string[];
}

export function ScopeDrawer({ item, onClose, onSaved }: { item: ApiScopeItem | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("apiScope");
  const trpc = useTRPC();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = item && item !== "new" ? item : null;
  const create = useMutation(trpc.apiScope.create.mutationOptions(save.mutation));
  const update = useMutation(trpc.apiScope.update.mutationOptions(save.mutation));
  function submit(v: FormValues) {
    const payload = { ...v, name: v.name ?? "", claims: v.claims ?? [] };
    if (existing) save.submit(apiScopeUpdateInput, { ...payload, id: existing.id }, update.mutate);
    else save.submit(apiScopeCreateInput, payload, create.mutate);
  }
  return (
    <FormDrawer<FormValues>
      open={item !== null}
      title={existing ? t("editTitle", { name: existing.name }) : t("new")}
      size={560}
      onClose={onClose}
      saveTestId="apiscope-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      onFinish={submit}
      initialValues={existing ? { ...catalogNameValues(existing), claims: existing.claims } : { claims: [] }}
    >
      <CatalogNameFields ns="apiScope" />
      <CatalogClaimsField ns="apiScope" name="claims" />
    </FormDrawer>
  );
}
