"use client";

import { FormDrawer, useDrawerSave } from "~/components/form-drawer";
import { CatalogClaimsField, CatalogNameFields, catalogNameValues } from "~/components/api-catalog-fields";
import { Alert, Form } from "antd";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { identityResourceCreateInput, identityResourceUpdateInput, type IdentityResourceItem } from "~/lib/validators/api";
import { useSeededText } from "~/components/use-seeded-text";

interface FormValues {
  name: string;
  displayName?: string;
  description?: string;
  claims: string[];
}

export function IdentityDrawer({ item, onClose, onSaved }: { item: IdentityResourceItem | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("identityResource");
  const trpc = useTRPC();
  const seeded = useSeededText();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = item && item !== "new" ? item : null;
  const create = useMutation(trpc.identityResource.create.mutationOptions(save.mutation));
  const update = useMutation(trpc.identityResource.update.mutationOptions(save.mutation));
  function submit(v: FormValues) {
    const payload = { ...v, name: v.name ?? "", claims: v.claims ?? [] };
    if (existing) save.submit(identityResourceUpdateInput, { ...payload, id: existing.id }, update.mutate);
    else save.submit(identityResourceCreateInput, payload, create.mutate);
  }
  return (
    <FormDrawer<FormValues>
      open={item !== null}
      title={existing ? t("editTitle", { name: existing.name }) : t("new")}
      size={560}
      onClose={onClose}
      saveTestId="identity-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      onFinish={submit}
      initialValues={existing ? { ...catalogNameValues(seeded.identity(existing)), claims: existing.claims } : { claims: [] }}
    >
      {existing?.standard && <Alert type="info" showIcon title={t("standardHelp")} style={{ marginBottom: 16 }} />}
      <CatalogNameFields ns="identityResource" nameLocked={existing?.standard} />
      <CatalogClaimsField ns="identityResource" name="claims" />
    </FormDrawer>
  );
}
