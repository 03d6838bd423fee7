"use client";

import "@scalar/api-reference-react/style.css";
import { ConsolePage } from "~/components/console-page";
import type { ApiReferenceReact } from "@scalar/api-reference-react";
import { Skeleton, Typography } from "antd";
import { Card } from "~/components/card";
import dynamic from "next/dynamic";
import { useLocale, useTranslations } from "next-intl";
import { useMemo, type ComponentProps } from "react";

// Scalar mounts a Vue app on a DOM node: render it in the browser only; zod (which Scalar shares)
// is told not to probe for eval first.
const ScalarReference = dynamic(() => import("~/lib/validators/jitless").then(() => import("@scalar/api-reference-react")).then((m) => m.ApiReferenceReact), {
  ssr: false,
  loading: () => <Skeleton active />,
});

/** Same-origin requests carry the console's session cookie; nothing goes to another origin. */
const sameOriginFetch: typeof fetch = (input, init) => fetch(input, { ...init, credentials: "same-origin" });

/**
 * An OpenAPI document rendered by Scalar's bundled reference (no CDN: its fonts are off and its
 * hosted services — client app, agent, MCP, developer tools, telemetry — are hidden), in the
 * console's language: ours at a URL, or a document in hand (a revision's preview).
 */
export function ScalarDocument({ source }: { source: { url: string } | { content: Record<string, unknown> } }) {
  const locale = useLocale();
  const configuration = useMemo<ComponentProps<typeof ApiReferenceReact>["configuration"]>(
    () => ({
      ...source,
      customFetch: sameOriginFetch,
      layout: "classic",
      localization: { locale },
      withDefaultFonts: false,
      telemetry: false,
      hideClientButton: true,
      documentDownloadType: "none",
      showDeveloperTools: "never",
      agent: { disabled: true },
      mcp: { disabled: true },
      hideDarkModeToggle: true,
      forceDarkModeState: "light",
      persistAuth: false,
      urlRouting: false,
      defaultOpenFirstTag: true,
      // The console's own fonts instead of Scalar's (which load from fonts.scalar.com).
      customCss: ".scalar-app { --scalar-font: inherit; --scalar-font-code: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }",
    }),
    [locale, source],
  );
  return (
    <Card size="small" data-testid="api-reference" styles={{ body: { padding: 0 } }}>
      <ScalarReference configuration={configuration} />
    </Card>
  );
}

const OWN_API = { url: "/api/v1/openapi.json" };

/**
 * The reference of /api/v1. The document's server is the tenant host it was asked on, so "Test
 * request" reaches this tenant with this session.
 */
export function ApiReference() {
  const t = useTranslations("apiDocs");
  return (
    <ConsolePage
      title={t("title")}
      intro={
        <>
          {t("intro")}{" "}
          <Typography.Link href="/api/v1/openapi.json" target="_blank">
            /api/v1/openapi.json
          </Typography.Link>
        </>
      }
    >
      <ScalarDocument source={OWN_API} />
    </ConsolePage>
  );
}
