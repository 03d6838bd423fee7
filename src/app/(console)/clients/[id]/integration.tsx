"use client";

/**
 * A client's integration details (the provider's own discovery values, the client id, code
 * samples with them filled in) and its "Try it" (src/server/oidc/try.ts): a form post to the
 * provider's start endpoint, which comes back to this tab with `?run=<id>` to show the result.
 */
import { Alert, Button, Descriptions, Empty, Input, Space, Spin, Tabs, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import { ExperimentOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useSearchParams } from "next/navigation";
import type { ReactNode } from "react";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";
import type { ClientDetail } from "~/lib/validators/client";
import type { TryRun } from "~/lib/validators/client-try";
import { signInScope } from "~/lib/oidc-scopes";
import { CopyButton } from "~/components/copy-text";

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  jwks_uri: string;
  scopes_supported?: string[];
}

/** How the client authenticates at the token endpoint: its own setting when it has one, else as the provider decides today (clients.ts). */
export function clientAuthMethod(d: ClientDetail): string {
  const own = (d as ClientDetail & { tokenEndpointAuthMethod?: string | null }).tokenEndpointAuthMethod;
  if (own) return own;
  return d.secretCount > 0 || d.grantTypes.includes("client_credentials") ? "client_secret_basic" : "none";
}

const preStyle = {
  margin: 0,
  padding: 12,
  background: "rgba(0,0,0,0.04)",
  borderRadius: 6,
  fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
  fontSize: 12.5,
  lineHeight: 1.55,
  whiteSpace: "pre",
  overflowX: "auto",
} as const;

function CodeBlock({ code, testId }: { code: string; testId?: string }) {
  return (
    <div style={{ position: "relative" }}>
      <div style={{ position: "absolute", top: 8, right: 8 }}>
        <CopyButton text={code} size="small" testId={testId && `${testId}-copy`} />
      </div>
      <pre style={preStyle} data-testid={testId}>
        {code}
      </pre>
    </div>
  );
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

function nextAuthSample(p: { discovery: string; clientId: string; method: string; scope: string; name: string }) {
  const secretLines =
    p.method === "none"
      ? `      // A public client: PKCE only, no secret.\n      client: { token_endpoint_auth_method: "none", id_token_signed_response_alg: "ES256" },`
      : `      clientSecret: process.env.USER_CENTER_CLIENT_SECRET!,\n      client: { token_endpoint_auth_method: "${p.method}", id_token_signed_response_alg: "ES256" },`;
  return `// app/api/auth/[...nextauth]/route.ts — next-auth v4, the generic OIDC provider
import NextAuth, { type NextAuthOptions } from "next-auth";

export const authOptions: NextAuthOptions = {
  providers: [
    {
      id: "user-center",
      name: ${JSON.stringify(p.name)},
      type: "oauth",
      wellKnown: "${p.discovery}",
      clientId: "${p.clientId}",
${secretLines}
      authorization: { params: { scope: "${p.scope}" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile) {
        return {
          id: profile.sub,
          name: profile.name ?? profile.preferred_username ?? null,
          email: profile.email ?? null,
          image: profile.picture ?? null,
        };
      },
    },
  ],
};

const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };

// Register this redirect URI on the client:
//   https://<your app>/api/auth/callback/user-center
`;
}

function miniProgramSample(origin: string) {
  return `// app.js — a WeChat mini-program signs its user in through the JSON login API
const USER_CENTER = "${origin}";

wx.login({
  success({ code }) {
    wx.request({
      url: \`\${USER_CENTER}/api/v1/login/AddAoginr\`,
      method: "POST",
      header: { "content-type": "application/json" },
      data: { ustr: code },
      success({ data }) {
        if (data.error === 0) {
          // A bearer token for our API, valid until data.result.expire
          wx.setStorageSync("uc_token", data.result.token);
        } else if (data.exists === false) {
          // No user is linked to this WeChat identity yet: sign in another way and bind it
        } else {
          wx.showToast({ title: data.message, icon: "none" });
        }
      },
    });
  },
});

// Then call the API as that user:
wx.request({
  url: \`\${USER_CENTER}/api/v1/me\`,
  header: { authorization: \`Bearer \${wx.getStorageSync("uc_token")}\` },
  success: ({ data }) => console.log(data),
});
`;
}

function curlSample(origin: string, clientId: string, scopes: string[]) {
  const scope = scopes.filter((s) => s.startsWith("uc.")).join(" ");
  return `# A machine client: the client credentials grant (RFC 6749 §4.4)
curl -s -u '${clientId}:<client secret>' \\
  -d grant_type=client_credentials${scope ? ` \\\n  --data-urlencode 'scope=${scope}'` : ""} \\
  ${origin}/api/oauth/token

# Then: curl -H "authorization: Bearer <access_token>" ${origin}/api/v1/users
`;
}

export function IntegrationTab({ d }: { d: ClientDetail }) {
  const t = useTranslations("clientIntegration");
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  const discovery = useQuery({
    queryKey: ["oidc-discovery", origin],
    queryFn: async () => {
      const res = await fetch("/.well-known/openid-configuration", { headers: { accept: "application/json" } });
      if (!res.ok) throw new Error(String(res.status));
      return (await res.json()) as Discovery;
    },
    staleTime: 5 * 60_000,
    enabled: !!origin,
  });
  const codeFlow = d.grantTypes.includes("authorization_code");
  const machine = d.grantTypes.includes("client_credentials");
  const method = clientAuthMethod(d);
  const disc = discovery.data;
  const discoveryUrl = `${disc?.issuer ?? origin}/.well-known/openid-configuration`;
  const row = (label: string, value: string | undefined, testId: string) => (
    <Descriptions.Item label={label}>
      {value ? (
        <Typography.Text copyable code data-testid={testId}>
          {value}
        </Typography.Text>
      ) : (
        "—"
      )}
    </Descriptions.Item>
  );

  const samples: { key: string; label: string; children: ReactNode }[] = [];
  if (codeFlow)
    samples.push({
      key: "nextauth",
      label: t("sampleNextAuth"),
      children: (
        <Space orientation="vertical" style={{ width: "100%" }}>
          <Typography.Text type="secondary">{t(method === "none" ? "sampleNextAuthPublic" : "sampleNextAuthHelp")}</Typography.Text>
          <CodeBlock
            testId="sample-nextauth"
            code={nextAuthSample({ discovery: discoveryUrl, clientId: d.clientId, method, scope: signInScope(d.scopes, disc?.scopes_supported), name: d.name })}
          />
        </Space>
      ),
    });
  samples.push({
    key: "miniprogram",
    label: t("sampleMiniProgram"),
    children: (
      <Space orientation="vertical" style={{ width: "100%" }}>
        <Typography.Text type="secondary">{t("sampleMiniProgramHelp")}</Typography.Text>
        <CodeBlock testId="sample-miniprogram" code={miniProgramSample(disc?.issuer ?? origin)} />
      </Space>
    ),
  });
  if (machine)
    samples.push({
      key: "curl",
      label: t("sampleCurl"),
      children: (
        <Space orientation="vertical" style={{ width: "100%" }}>
          <Typography.Text type="secondary">{t("sampleCurlHelp")}</Typography.Text>
          <CodeBlock testId="sample-curl" code={curlSample(disc?.issuer ?? origin, d.clientId, d.scopes)} />
        </Space>
      ),
    });

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="client-integration">
      {discovery.isError && <Alert type="warning" showIcon title={t("discoveryFailed")} />}
      <Descriptions bordered size="small" column={1} title={t("endpoints")} styles={{ label: { width: 220 } }}>
        {row(t("issuer"), disc?.issuer, "integration-issuer")}
        {row(t("discovery"), disc ? discoveryUrl : undefined, "integration-discovery")}
        {row(t("authorizationEndpoint"), disc?.authorization_endpoint, "integration-authorize")}
        {row(t("tokenEndpoint"), disc?.token_endpoint, "integration-token")}
        {row(t("userinfoEndpoint"), disc?.userinfo_endpoint, "integration-userinfo")}
        {row(t("endSessionEndpoint"), disc?.end_session_endpoint, "integration-end-session")}
        {row(t("clientId"), d.clientId, "integration-client-id")}
        <Descriptions.Item label={t("authMethod")}>
          <Tag>{method}</Tag> <Typography.Text type="secondary">{t(`authMethodHelp.${method === "none" ? "none" : "secret"}`)}</Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <TryIt d={d} codeFlow={codeFlow} method={method} />
      <Card size="small" title={t("samples")}>
        <Tabs items={samples} size="small" />
      </Card>
    </Space>
  );
}

function TryIt({ d, codeFlow, method }: { d: ClientDetail; codeFlow: boolean; method: string }) {
  const t = useTranslations("clientIntegration");
  const runId = useSearchParams().get("run");
  const why = !codeFlow ? t("tryNoCodeFlow") : !d.enabled ? t("tryDisabled") : method === "private_key_jwt" ? t("tryPrivateKey") : null;
  return (
    <Card
      size="small"
      title={
        <Space>
          <ExperimentOutlined />
          {t("tryTitle")}
        </Space>
      }
      data-testid="client-try"
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t("tryHelp")}
        </Typography.Paragraph>
        {/* A real navigation: the provider's start endpoint sets the run's cookie and sends the browser on to sign-in. */}
        <form method="post" action="/oidc/try/start">
          <input type="hidden" name="client" value={d.id} />
          <Button type="primary" htmlType="submit" icon={<ExperimentOutlined />} disabled={!!why} data-testid="try-it">
            {t("tryButton")}
          </Button>
        </form>
        {why && <Alert type="info" showIcon title={why} />}
        {runId && <TryResult id={d.id} run={runId} />}
      </Space>
    </Card>
  );
}

const STAGES = ["authorize", "token", "userinfo"] as const;

function TryResult({ id, run }: { id: string; run: string }) {
  const t = useTranslations("clientIntegration");
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.client.tryResult.queryOptions({ id, run }), retry: false, staleTime: Infinity });
  if (q.isPending) return <Spin />;
  if (q.isError) return <Alert type="warning" showIcon title={t("resultGone")} description={handleServerError(null, q.error)} role="alert" />;
  return <RunView r={q.data} />;
}

function RunView({ r }: { r: TryRun }) {
  const t = useTranslations("clientIntegration");
  const section = (title: string, children: ReactNode, testId?: string) => (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid={testId}>
      <Typography.Text strong>{title}</Typography.Text>
      {children}
    </Space>
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="try-result">
      {r.error ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="try-error"
          title={t("resultFailed", { stage: t(`stage.${STAGES.includes(r.error.stage) ? r.error.stage : "token"}`) })}
          description={
            <Space orientation="vertical" size={2}>
              <span>
                {t("providerSaid")} <Typography.Text code>{r.error.code}</Typography.Text>
              </span>
              {r.error.description && <Typography.Text type="secondary">{r.error.description}</Typography.Text>}
              <Typography.Text type="secondary">{t(`errorHint.${knownError(r.error.code)}`)}</Typography.Text>
            </Space>
          }
        />
      ) : (
        <Alert type="success" showIcon title={t("resultOk", { scope: r.scope })} />
      )}
      {r.idToken &&
        section(
          t("idToken"),
          <>
            <Space>
              {r.idToken.signatureVerified ? <Tag color="green">{t("signatureVerified")}</Tag> : <Tag color="red">{t("signatureNotVerified")}</Tag>}
              <Typography.Text type="secondary">{t("idTokenHelp")}</Typography.Text>
            </Space>
            <Typography.Text type="secondary">{t("header")}</Typography.Text>
            <pre style={preStyle} data-testid="try-id-header">
              {json(r.idToken.header)}
            </pre>
            <Typography.Text type="secondary">{t("claims")}</Typography.Text>
            <pre style={preStyle} data-testid="try-id-claims">
              {json(r.idToken.claims)}
            </pre>
          </>,
          "try-id-token",
        )}
      {r.accessToken &&
        section(
          t("accessToken"),
          <>
            <Typography.Text type="secondary">
              {[
                r.accessToken.tokenType,
                r.accessToken.expiresIn !== null ? t("expiresIn", { seconds: r.accessToken.expiresIn }) : null,
                r.accessToken.scope ? `scope: ${r.accessToken.scope}` : null,
                r.accessToken.claims ? t("jwtAccessToken") : t("opaqueAccessToken"),
              ]
                .filter(Boolean)
                .join(" · ")}
            </Typography.Text>
            <Space.Compact block>
              <Input.TextArea
                readOnly
                autoSize={{ minRows: 2, maxRows: 5 }}
                value={r.accessToken.value}
                style={{ fontFamily: "monospace" }}
                data-testid="try-access-token"
              />
              <CopyButton text={r.accessToken.value} />
            </Space.Compact>
            {r.accessToken.claims && <pre style={preStyle}>{json({ header: r.accessToken.header, claims: r.accessToken.claims })}</pre>}
          </>,
        )}
      {r.refreshToken?.issued && <Alert type="info" showIcon title={t("refreshRevoked")} />}
      {r.userinfo &&
        section(
          t("userinfo"),
          <pre style={preStyle} data-testid="try-userinfo">
            {json(r.userinfo)}
          </pre>,
        )}
      {!r.idToken && !r.error && <Empty />}
    </Space>
  );
}

const KNOWN_ERRORS = [
  "access_denied",
  "invalid_grant",
  "invalid_client",
  "invalid_scope",
  "unauthorized_client",
  "login_required",
  "consent_required",
] as const;
const knownError = (code: string) => ((KNOWN_ERRORS as readonly string[]).includes(code) ? code : "other");
