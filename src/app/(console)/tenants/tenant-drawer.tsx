"use client";

import { Checkbox, ColorPicker, Divider, Form, Input, Select, Space, Typography } from "antd";
import type { Color } from "antd/es/color-picker";
import { BrandPreview } from "./brand-preview";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { useSeededText } from "~/components/use-seeded-text";
import { useTRPC } from "~/trpc/react";
import { TENANT_STATUSES } from "~/lib/validators/values";
import { tenantCreateInput, tenantUpdateInput, type TenantDetail } from "~/lib/validators/tenant";
import { FormDrawer, FormRows, editedId, useDrawerSave, useFillForm } from "~/components/form-drawer";

interface FormValues {
  name: string;
  status: (typeof TENANT_STATUSES)[number];
  description?: string;
  logo?: string;
  theme?: string;
  background?: string;
  hosts: string[];
  claims: { type: string; value: string; isPublic: boolean }[];
  properties: { key: string; value?: string; secret: boolean; isSet?: boolean; undecryptable?: boolean }[];
}

const toForm = (d: TenantDetail, description: string | null): FormValues => ({
  name: d.name,
  status: d.status,
  description: description ?? "",
  logo: d.logo ?? "",
  theme: d.theme ?? "",
  background: d.background ?? "",
  hosts: d.hosts,
  claims: d.claims,
  properties: d.properties.map((p) => ({ key: p.key, value: p.value ?? "", secret: p.secret, isSet: p.isSet, undecryptable: p.undecryptable })),
});

/** A secret left blank keeps its stored value (sent as null); the server never sends it back. */
const fromForm = (v: FormValues) => ({
  ...v,
  hosts: v.hosts ?? [],
  claims: v.claims ?? [],
  properties: (v.properties ?? []).map(({ isSet, undecryptable: _undecryptable, ...p }) => ({
    ...p,
    value: p.secret && isSet && !p.value ? null : (p.value ?? ""),
  })),
});

export function TenantDrawer({ id, onClose, onSaved }: { id: string | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("tenant");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = editedId(id);

  const detail = useQuery({ ...trpc.tenant.detail.queryOptions({ id: existing ?? "" }), enabled: !!existing });
  const seeded = useSeededText();
  // The default tenant's seeded description is shown (and saved, if untouched) in the console's language.
  const fill = useCallback((d: TenantDetail) => toForm(d, seeded.tenantDescription(d)), [seeded]);
  useFillForm(form, detail.data, fill);

  const create = useMutation(trpc.tenant.create.mutationOptions(save.mutation));
  const update = useMutation(trpc.tenant.update.mutationOptions(save.mutation));

  function submit(values: FormValues) {
    // onFinish leaves out what has no Form.Item, such as each property's isSet, without which a
    // stored secret left blank would be sent as "" and wiped: the rows come from the form's store.
    const payload = fromForm({ ...values, properties: (form.getFieldsValue(true) as FormValues).properties ?? [] });
    if (existing) save.submit(tenantUpdateInput, { ...payload, id: existing }, update.mutate);
    else save.submit(tenantCreateInput, payload, create.mutate);
  }

  return (
    <FormDrawer<FormValues>
      open={id !== null}
      title={existing ? t("editTitle", { name: detail.data?.name ?? "" }) : t("new")}
      size={640}
      onClose={onClose}
      saveTestId="tenant-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      loading={existing ? detail : undefined}
      onFinish={submit}
      initialValues={{ status: "enabled", hosts: [""], claims: [], properties: [] }}
    >
      <Form.Item name="name" label={t("name")} required>
        <Input maxLength={64} showCount autoFocus />
      </Form.Item>
      <Form.Item name="status" label={t("status")}>
        <Select disabled={detail.data?.isDefault} options={TENANT_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} />
      </Form.Item>
      <Form.Item name="description" label={t("description")}>
        <Input.TextArea rows={2} maxLength={500} showCount />
      </Form.Item>
      <Divider titlePlacement="start">{t("branding")}</Divider>
      <Typography.Paragraph type="secondary">{t("brandingHelp")}</Typography.Paragraph>
      <Form.Item name="logo" label={t("logo")} extra={t("logoHelp")}>
        <Input placeholder="https://…" maxLength={1000} showCount />
      </Form.Item>
      <Space.Compact block>
        <Form.Item
          name="theme"
          label={t("theme")}
          style={{ flex: 1, marginRight: 12 }}
          getValueFromEvent={(colour: Color | null) => (colour && !colour.cleared ? colour.toHexString() : "")}
        >
          <ColorPicker showText format="hex" disabledAlpha allowClear aria-label={t("theme")} data-testid="tenant-theme" />
        </Form.Item>
        <Form.Item name="background" label={t("background")} extra={t("backgroundHelp")} style={{ flex: 2 }}>
          <Input placeholder="#f5f7fb · https://…" maxLength={1000} showCount />
        </Form.Item>
      </Space.Compact>
      <BrandPreview form={form} />

      <Divider titlePlacement="start">{t("hosts")}</Divider>
      <Typography.Paragraph type="secondary">{t("hostsHelp")}</Typography.Paragraph>
      <FormRows name="hosts" newRow="" addLabel={c("add")}>
        {(f) => (
          <Form.Item name={f.name} style={{ width: 420 }}>
            <Input placeholder="app.example.com" aria-label={t("hosts")} />
          </Form.Item>
        )}
      </FormRows>

      <Divider titlePlacement="start">{t("claims")}</Divider>
      <FormRows name="claims" newRow={{ type: "", value: "", isPublic: true }} addLabel={c("add")}>
        {(f) => (
          <>
            <Form.Item name={[f.name, "type"]}>
              <Input placeholder={t("claimType")} aria-label={t("claimType")} />
            </Form.Item>
            <Form.Item name={[f.name, "value"]}>
              <Input placeholder={t("claimValue")} aria-label={t("claimValue")} />
            </Form.Item>
            <Form.Item name={[f.name, "isPublic"]} valuePropName="checked">
              <Checkbox>{t("claimPublic")}</Checkbox>
            </Form.Item>
          </>
        )}
      </FormRows>

      <Divider titlePlacement="start">{t("properties")}</Divider>
      <FormRows name="properties" newRow={{ key: "", value: "", secret: false }} addLabel={c("add")}>
        {(f) => (
          <>
            <Form.Item name={[f.name, "key"]}>
              <Input placeholder={t("propertyKey")} aria-label={t("propertyKey")} />
            </Form.Item>
            {/* A secret's value is a password box; one already stored says it is kept when left blank. */}
            <Form.Item noStyle shouldUpdate>
              {() => {
                const p = form.getFieldValue(["properties", f.name]) as FormValues["properties"][number] | undefined;
                return (
                  <Form.Item name={[f.name, "value"]}>
                    {p?.secret ? (
                      <Input.Password
                        placeholder={p.undecryptable ? t("secretUndecryptable") : p.isSet ? t("secretKept") : t("secretNotSet")}
                        status={p.undecryptable ? "error" : undefined}
                        aria-label={t("propertyValue")}
                        autoComplete="new-password"
                        visibilityToggle={false}
                      />
                    ) : (
                      <Input placeholder={t("propertyValue")} aria-label={t("propertyValue")} />
                    )}
                  </Form.Item>
                );
              }}
            </Form.Item>
            <Form.Item name={[f.name, "secret"]} valuePropName="checked">
              <Checkbox>{t("propertySecret")}</Checkbox>
            </Form.Item>
          </>
        )}
      </FormRows>
    </FormDrawer>
  );
}
