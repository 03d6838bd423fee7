"use client";

import { ConsolePage } from "~/components/console-page";
import { Card, Skeleton, Typography } from "antd";
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import "swagger-ui-react/swagger-ui.css";

// Swagger UI touches `window` as it loads: render it in the browser only.
const SwaggerUI = dynamic(() => import("swagger-ui-react"), { ssr: false, loading: () => <Skeleton active /> });

/** "Try it out" calls go to /api/v1 with the console's own session cookie (same site). */
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
      <Card size="small" data-testid="api-reference">
        <SwaggerUI url="/api/v1/openapi.json" docExpansion="list" deepLinking tryItOutEnabled={false} withCredentials />
      </Card>
    </ConsolePage>
  );
}
