"use client";

import { Form, Input, InputNumber, Select, Switch } from "antd";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { useTRPC } from "~/trpc/react";
import { GRANT_TYPES, TOKEN_LIFETIME, clientCreateInput, clientUpdateInput, type ClientDetail } from "~/lib/validators/client";
import { FormDrawer, editedId, useDrawerSave, useFillForm } from "~/components/form-drawer";
import { scopeOptions } from "./scope-options";

const LIST_SEPARATORS = [",", "\n", "\r\n"];

interface FormValues {
  name: string;
  description?: string;
  grantTypes: string[];
  scopes: string[];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  corsOrigins: string[];
  tokenLifetime: number;
  firstParty: boolean;
  enabled: boolean;
}

const toForm = (d: ClientDetail): FormValues => ({
  name: d.name,
  description: d.description ?? "",
  grantTypes: d.grantTypes,
  scopes: d.scopes,
  redirectUris: d.redirectUris,
  postLogoutRedirectUris: d.postLogoutRedirectUris,
  corsOrigins: d.corsOrigins,
  tokenLifetime: d.tokenLifetime,
  firstParty: d.firstParty,
  enabled: d.enabled,
});

/** Create or edit a client. A new client opens its detail page, where its first secret is generated. */
export function ClientDrawer({ id, onClose, onSaved }: { id: string | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("client");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const router = useRouter();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = editedId(id);
  const options = useMemo(() => scopeOptions(locale), [locale]);

  const detail = useQuery({ ...trpc.client.detail.queryOptions({ id: existing ?? "" }), enabled: !!existing });
  useFillForm(form, detail.data, toForm);

  const create = useMutation(
    trpc.client.create.mutationOptions({
      onSuccess: (created) => {
        save.done();
        router.push(`/clients/${created.id}?tab=secrets`);
      },
      onError: save.fail,
    }),
  );
  const update = useMutation(trpc.client.update.mutationOptions(save.mutation));

  function submit(values: FormValues) {
    const payload = {
      ...values,
      name: values.name ?? "",
      grantTypes: values.grantTypes ?? [],
      scopes: values.scopes ?? [],
      redirectUris: values.redirectUris ?? [],
      postLogoutRedirectUris: values.postLogoutRedirectUris ?? [],
      corsOrigins: values.corsOrigins ?? [],
      firstParty: values.firstParty ?? false,
    };
    if (existing) save.submit(clientUpdateInput, { ...payload, id: existing }, update.mutate);
    else save.submit(clientCreateInput, payload, create.mutate);
  }

  return (
    <FormDrawer<FormValues>
      open={id !== null}
      title={existing ? t("editTitle", { name: detail.data?.name ?? "" }) : t("new")}
      size={640}
      onClose={onClose}
      saveTestId="client-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      loading={existing ? detail : undefined}
      onFinish={submit}
      initialValues={{
        grantTypes: ["client_credentials"],
        scopes: [],
        redirectUris: [],
        postLogoutRedirectUris: [],
        corsOrigins: [],
        tokenLifetime: TOKEN_LIFETIME.default,
        firstParty: false,
        enabled: true,
      }}
    >
      <Form.Item name="name" label={t("name")} required>
        <Input maxLength={64} showCount autoFocus />
      </Form.Item>
      <Form.Item name="description" label={t("description")}>
        <Input.TextArea rows={2} maxLength={500} showCount />
      </Form.Item>
      <Form.Item name="grantTypes" label={t("grantTypes")} required>
        <Select mode="multiple" options={GRANT_TYPES.map((g) => ({ value: g, label: t(`grantTypeNames.${g}`) }))} />
      </Form.Item>
      <Form.Item name="scopes" label={t("scopes")} extra={t("scopesHelp")}>
        <Select mode="multiple" allowClear showSearch={{ optionFilterProp: "label" }} options={options} aria-label={t("scopes")} data-testid="client-scopes" />
      </Form.Item>
      <Form.Item name="tokenLifetime" label={t("tokenLifetime")} extra={t("tokenLifetimeHelp")}>
        <InputNumber min={TOKEN_LIFETIME.min} max={TOKEN_LIFETIME.max} step={60} style={{ width: 200 }} />
      </Form.Item>
      {/* One item per Enter, comma or line (a pasted list): never per space, so "not a url" stays one item and is refused as one. */}
      <Form.Item name="redirectUris" label={t("redirectUris")} extra={t("listHelp")}>
        <Select
          mode="tags"
          tokenSeparators={LIST_SEPARATORS}
          placeholder="https://app.example.com/callback"
          open={false}
          suffixIcon={null}
          aria-label={t("redirectUris")}
        />
      </Form.Item>
      <Form.Item name="postLogoutRedirectUris" label={t("postLogoutRedirectUris")} extra={t("listHelp")}>
        <Select
          mode="tags"
          tokenSeparators={LIST_SEPARATORS}
          placeholder="https://app.example.com/signed-out"
          open={false}
          suffixIcon={null}
          aria-label={t("postLogoutRedirectUris")}
        />
      </Form.Item>
      <Form.Item name="corsOrigins" label={t("corsOrigins")} extra={t("listHelp")}>
        <Select
          mode="tags"
          tokenSeparators={LIST_SEPARATORS}
          placeholder="https://app.example.com"
          open={false}
          suffixIcon={null}
          aria-label={t("corsOrigins")}
        />
      </Form.Item>
      <Form.Item name="firstParty" label={t("firstParty")} extra={t("firstPartyHelp")} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item name="enabled" label={t("enabled")} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormDrawer>
  );
}
