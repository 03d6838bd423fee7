"use client";

import { Divider, Form, Input, InputNumber, Radio, Select, Switch, Typography } from "antd";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useMemo, type ReactNode } from "react";
import { useTRPC } from "~/trpc/react";
import {
  CLIENT_TYPES,
  ID_TOKEN_LIFETIME,
  REFRESH_ABSOLUTE,
  REFRESH_IDLE,
  TOKEN_LIFETIME,
  TYPE_RULES,
  clientCreateInput,
  clientUpdateInput,
  isPublicType,
  signsInUsers,
  type AuthMethod,
  type ClientDetail,
  type ClientType,
} from "~/lib/validators/client";
import { FormDrawer, editedId, useDrawerSave, useFillForm } from "~/components/form-drawer";
import { clientScopeOptions } from "./scope-options";

const LIST_SEPARATORS = [",", "\n", "\r\n"];

interface FormValues {
  name: string;
  description?: string;
  clientType: ClientType;
  grantTypes: string[];
  tokenEndpointAuthMethod: AuthMethod;
  jwksUri?: string;
  scopes: string[];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  corsOrigins: string[];
  tokenLifetime: number;
  idTokenLifetime: number;
  refreshTokenAbsoluteLifetime: number;
  refreshTokenIdleLifetime: number;
  consentRequired: boolean;
  backchannelLogoutUri?: string;
  logoUri?: string;
  enabled: boolean;
}

const toForm = (d: ClientDetail): FormValues => ({
  name: d.name,
  description: d.description ?? "",
  clientType: d.clientType,
  grantTypes: d.grantTypes,
  tokenEndpointAuthMethod: d.tokenEndpointAuthMethod,
  jwksUri: d.jwksUri ?? "",
  scopes: d.scopes,
  redirectUris: d.redirectUris,
  postLogoutRedirectUris: d.postLogoutRedirectUris,
  corsOrigins: d.corsOrigins,
  tokenLifetime: d.tokenLifetime,
  idTokenLifetime: d.idTokenLifetime,
  refreshTokenAbsoluteLifetime: d.refreshTokenAbsoluteLifetime,
  refreshTokenIdleLifetime: d.refreshTokenIdleLifetime,
  consentRequired: d.consentRequired,
  backchannelLogoutUri: d.backchannelLogoutUri ?? "",
  logoUri: d.logoUri ?? "",
  enabled: d.enabled,
});

/** What a new client of each type starts with when the type is chosen. */
const TYPE_DEFAULTS: Record<ClientType, Pick<FormValues, "grantTypes" | "tokenEndpointAuthMethod">> = {
  web: { grantTypes: ["authorization_code", "refresh_token"], tokenEndpointAuthMethod: "client_secret_basic" },
  spa: { grantTypes: ["authorization_code", "refresh_token"], tokenEndpointAuthMethod: "none" },
  native: { grantTypes: ["authorization_code", "refresh_token"], tokenEndpointAuthMethod: "none" },
  machine: { grantTypes: ["client_credentials"], tokenEndpointAuthMethod: "client_secret_basic" },
};

const Section = ({ children }: { children: ReactNode }) => (
  <Divider titlePlacement="start" style={{ marginTop: 8 }}>
    {children}
  </Divider>
);

/** A list of addresses; Form.Item hands it `value` and `onChange`, which go on to the Select. */
function UriTags({ label, placeholder, ...control }: { label: string; placeholder: string; value?: string[]; onChange?: (v: string[]) => void }) {
  // One item per Enter, comma or line (a pasted list): never per space, so "not a url" stays one item and is refused as one.
  return <Select {...control} mode="tags" tokenSeparators={LIST_SEPARATORS} placeholder={placeholder} open={false} suffixIcon={null} aria-label={label} />;
}

/**
 * Create or edit a client. The type decides what the form shows: sign-in settings (redirect and
 * logout addresses, consent, ID and refresh tokens) only for apps that sign users in, the
 * authentication method only for confidential ones, the JWKS address only for private_key_jwt.
 * A new client opens its detail page, where its first secret is generated.
 */
export function ClientDrawer({ id, onClose, onSaved }: { id: string | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("client");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const router = useRouter();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = editedId(id);

  const detail = useQuery({ ...trpc.client.detail.queryOptions({ id: existing ?? "" }), enabled: !!existing });
  useFillForm(form, detail.data, toForm);
  const choices = useQuery({ ...trpc.client.scopeChoices.queryOptions({ tenantId: detail.data?.tenantId }), enabled: id !== null });
  const options = useMemo(
    () =>
      clientScopeOptions(
        locale,
        {
          identity: t("scopeGroupIdentity"),
          api: t("scopeGroupApi"),
          offline: t("scopeGroupOffline"),
          permissions: t("scopeGroupPermissions"),
          offlineLabel: t("offlineAccess"),
        },
        choices.data,
      ),
    [locale, t, choices.data],
  );

  const type = (Form.useWatch("clientType", form) ?? "machine") as ClientType;
  const method = Form.useWatch("tokenEndpointAuthMethod", form) as AuthMethod | undefined;
  const grants = (Form.useWatch("grantTypes", form) ?? []) as string[];
  const signIn = signsInUsers(type);

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
    const kind = values.clientType ?? "machine";
    const users = signsInUsers(kind);
    // Fields the type hides are sent empty, so a value left from another type never blocks the save.
    const payload = {
      ...values,
      name: values.name ?? "",
      clientType: kind,
      grantTypes: values.grantTypes ?? [],
      tokenEndpointAuthMethod: isPublicType(kind) ? ("none" as const) : values.tokenEndpointAuthMethod,
      jwksUri: values.tokenEndpointAuthMethod === "private_key_jwt" && !isPublicType(kind) ? values.jwksUri || null : null,
      scopes: values.scopes ?? [],
      redirectUris: users ? (values.redirectUris ?? []) : [],
      postLogoutRedirectUris: users ? (values.postLogoutRedirectUris ?? []) : [],
      corsOrigins: values.corsOrigins ?? [],
      consentRequired: users ? (values.consentRequired ?? true) : false,
      backchannelLogoutUri: users ? values.backchannelLogoutUri || null : null,
      logoUri: values.logoUri || null,
    };
    if (existing) save.submit(clientUpdateInput, { ...payload, id: existing }, update.mutate);
    else save.submit(clientCreateInput, payload, create.mutate);
  }

  function onTypeChange(next: ClientType) {
    form.setFieldsValue(TYPE_DEFAULTS[next]);
  }

  const lifetimeHelp = (b: { min: number; max: number; default: number }) => t("lifetimeHelp", { min: b.min, max: b.max, default: b.default });

  return (
    <FormDrawer<FormValues>
      open={id !== null}
      title={existing ? t("editTitle", { name: detail.data?.name ?? "" }) : t("new")}
      size={680}
      onClose={onClose}
      saveTestId="client-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      loading={existing ? detail : undefined}
      onFinish={submit}
      initialValues={{
        clientType: "machine",
        ...TYPE_DEFAULTS.machine,
        scopes: [],
        redirectUris: [],
        postLogoutRedirectUris: [],
        corsOrigins: [],
        tokenLifetime: TOKEN_LIFETIME.default,
        idTokenLifetime: ID_TOKEN_LIFETIME.default,
        refreshTokenAbsoluteLifetime: REFRESH_ABSOLUTE.default,
        refreshTokenIdleLifetime: REFRESH_IDLE.default,
        consentRequired: true,
        enabled: true,
      }}
    >
      <Form.Item name="name" label={t("name")} required>
        <Input maxLength={64} showCount autoFocus />
      </Form.Item>
      <Form.Item name="description" label={t("description")}>
        <Input.TextArea rows={2} maxLength={500} showCount />
      </Form.Item>
      <Form.Item name="clientType" label={t("clientType")} extra={t(`clientTypeHelp.${type}`)} required>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          onChange={(e) => onTypeChange(e.target.value as ClientType)}
          options={CLIENT_TYPES.map((v) => ({ value: v, label: t(`clientTypeNames.${v}`) }))}
          data-testid="client-type"
        />
      </Form.Item>
      <Form.Item name="logoUri" label={t("logoUri")} extra={t("logoUriHelp")}>
        <Input placeholder="https://app.example.com/logo.png" maxLength={1000} />
      </Form.Item>

      <Section>{t("sectionAuth")}</Section>
      <Form.Item name="grantTypes" label={t("grantTypes")} required>
        <Select mode="multiple" aria-label={t("grantTypes")} options={TYPE_RULES[type].grants.map((g) => ({ value: g, label: t(`grantTypeNames.${g}`) }))} />
      </Form.Item>
      {isPublicType(type) ? (
        <Form.Item label={t("tokenEndpointAuthMethod")}>
          <Typography.Text type="secondary" data-testid="client-public-auth">
            {t("publicAuth")}
          </Typography.Text>
        </Form.Item>
      ) : (
        <Form.Item name="tokenEndpointAuthMethod" label={t("tokenEndpointAuthMethod")} required>
          <Select aria-label={t("tokenEndpointAuthMethod")} options={TYPE_RULES[type].auth.map((m) => ({ value: m, label: t(`authMethodNames.${m}`) }))} />
        </Form.Item>
      )}
      {!isPublicType(type) && method === "private_key_jwt" && (
        <Form.Item name="jwksUri" label={t("jwksUri")} extra={t("jwksUriHelp")} required>
          <Input placeholder="https://app.example.com/.well-known/jwks.json" maxLength={1000} aria-label={t("jwksUri")} />
        </Form.Item>
      )}
      <Form.Item name="scopes" label={t("scopes")} extra={t("scopesHelp")}>
        <Select mode="multiple" allowClear showSearch={{ optionFilterProp: "label" }} options={options} aria-label={t("scopes")} data-testid="client-scopes" />
      </Form.Item>

      {signIn && (
        <>
          <Section>{t("sectionSignIn")}</Section>
          <Form.Item name="redirectUris" label={t("redirectUris")} extra={t("redirectUrisHelp")} required>
            <UriTags label={t("redirectUris")} placeholder={type === "native" ? "com.example.app:/oauth2" : "https://app.example.com/callback"} />
          </Form.Item>
          <Form.Item name="postLogoutRedirectUris" label={t("postLogoutRedirectUris")} extra={t("listHelp")}>
            <UriTags label={t("postLogoutRedirectUris")} placeholder="https://app.example.com/signed-out" />
          </Form.Item>
          {type !== "native" && (
            <Form.Item name="corsOrigins" label={t("corsOrigins")} extra={t("corsOriginsHelp")}>
              <UriTags label={t("corsOrigins")} placeholder="https://app.example.com" />
            </Form.Item>
          )}
          <Form.Item name="backchannelLogoutUri" label={t("backchannelLogoutUri")} extra={t("backchannelLogoutUriHelp")}>
            <Input placeholder="https://app.example.com/backchannel-logout" maxLength={1000} aria-label={t("backchannelLogoutUri")} />
          </Form.Item>
          <Form.Item name="consentRequired" label={t("consentRequired")} extra={t("consentRequiredHelp")} valuePropName="checked">
            <Switch />
          </Form.Item>
        </>
      )}

      <Section>{t("sectionTokens")}</Section>
      <Form.Item name="tokenLifetime" label={t("tokenLifetime")} extra={lifetimeHelp(TOKEN_LIFETIME)}>
        <InputNumber min={TOKEN_LIFETIME.min} max={TOKEN_LIFETIME.max} step={60} style={{ width: 200 }} />
      </Form.Item>
      {signIn && (
        <Form.Item name="idTokenLifetime" label={t("idTokenLifetime")} extra={lifetimeHelp(ID_TOKEN_LIFETIME)}>
          <InputNumber min={ID_TOKEN_LIFETIME.min} max={ID_TOKEN_LIFETIME.max} step={60} style={{ width: 200 }} />
        </Form.Item>
      )}
      {signIn && grants.includes("refresh_token") && (
        <>
          <Form.Item name="refreshTokenAbsoluteLifetime" label={t("refreshTokenAbsoluteLifetime")} extra={t("refreshAbsoluteHelp")}>
            <InputNumber min={REFRESH_ABSOLUTE.min} max={REFRESH_ABSOLUTE.max} step={3600} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="refreshTokenIdleLifetime" label={t("refreshTokenIdleLifetime")} extra={t("refreshIdleHelp")}>
            <InputNumber min={REFRESH_IDLE.min} max={REFRESH_IDLE.max} step={3600} style={{ width: 200 }} />
          </Form.Item>
        </>
      )}
      <Form.Item name="enabled" label={t("enabled")} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormDrawer>
  );
}
