"use client";

import { FormDrawer, useDrawerSave } from "~/components/form-drawer";
import { CatalogClaimsField, CatalogNameFields, catalogNameValues } from "~/components/api-catalog-fields";
import { Form, Select, Switch } from "antd";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { apiResourceCreateInput, apiResourceUpdateInput, type ApiResourceItem } from "~/lib/validators/api";
import { UserPicker } from "~/components/user-picker";

interface FormValues {
  name: string;
  displayName?: string;
  description?: string;
  enabled: boolean;
  scopes: string[];
  userClaims: string[];
  owners: string[];
}

export function ResourceDrawer({ item, onClose, onSaved }: { item: ApiResourceItem | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("apiResource");
  const trpc = useTRPC();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = item && item !== "new" ? item : null;
  const scopes = useQuery({ ...trpc.apiScope.list.queryOptions({ take: 100, orderby: "name", asc: true }), enabled: item !== null });
  const create = useMutation(trpc.apiResource.create.mutationOptions(save.mutation));
  const update = useMutation(trpc.apiResource.update.mutationOptions(save.mutation));
  function submit(v: FormValues) {
    const payload = { ...v, name: v.name ?? "", scopes: v.scopes ?? [], userClaims: v.userClaims ?? [], owners: v.owners ?? [] };
    if (existing) save.submit(apiResourceUpdateInput, { ...payload, id: existing.id }, update.mutate);
    else save.submit(apiResourceCreateInput, payload, create.mutate);
  }
  return (
    <FormDrawer<FormValues>
      open={item !== null}
      title={existing ? t("editTitle", { name: existing.name }) : t("new")}
      size={560}
      onClose={onClose}
      saveTestId="apiresource-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      onFinish={submit}
      initialValues={
        existing
          ? { ...catalogNameValues(existing), enabled: existing.enabled, scopes: existing.scopes, userClaims: existing.userClaims, owners: existing.owners }
          : { enabled: true, scopes: [], userClaims: [], owners: [] }
      }
    >
      <CatalogNameFields ns="apiResource" />
      <Form.Item name="scopes" label={t("scopes")} extra={scopes.data && !scopes.data.total ? t("noScopes") : t("scopesHelp")}>
        <Select
          mode="multiple"
          allowClear
          loading={scopes.isLoading}
          aria-label={t("scopes")}
          data-testid="apiresource-scopes"
          options={scopes.data?.items.map((s) => ({ value: s.name, label: s.displayName ? `${s.name} — ${s.displayName}` : s.name }))}
        />
      </Form.Item>
      <CatalogClaimsField ns="apiResource" name="userClaims" />
      <Form.Item name="owners" label={t("owners")} extra={t("ownersHelp")}>
        <UserPicker mode="multiple" aria-label={t("owners")} tenantId={existing?.tenantId} data-testid="apiresource-owners" />
      </Form.Item>
      <Form.Item name="enabled" label={t("enabled")} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormDrawer>
  );
}
