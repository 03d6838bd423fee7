"use client";

import { Button, ConfigProvider, Form, Input, Typography, type FormInstance } from "antd";
import { Card } from "~/components/card";
import { useTranslations } from "next-intl";
import { BrandMark } from "~/components/brand";
import { backgroundCss, brandOf } from "~/lib/branding";

/**
 * The tenant's sign-in page in miniature, as the values in the form would show it (through the
 * same `brandOf` the pages use, so a value the pages would refuse shows the default here too).
 */
export function BrandPreview({ form }: { form: FormInstance }) {
  const t = useTranslations("tenant");
  const l = useTranslations("login");
  const name = (Form.useWatch("name", form) as string | undefined) ?? "";
  const logo = Form.useWatch("logo", form) as string | undefined;
  const theme = Form.useWatch("theme", form) as string | undefined;
  const background = Form.useWatch("background", form) as string | undefined;
  const brand = brandOf({ name: name || t("name"), logo, theme, background });
  return (
    <div aria-label={t("preview")} data-testid="brand-preview" style={{ marginBottom: 24 }}>
      <Typography.Text type="secondary">{t("preview")}</Typography.Text>
      <div
        style={{
          marginTop: 8,
          padding: 20,
          borderRadius: 8,
          border: "1px solid #eef0f3",
          background: backgroundCss(brand.background) ?? "#f5f7fb",
          display: "grid",
          placeItems: "center",
        }}
      >
        <ConfigProvider theme={{ cssVar: { key: "css-var-uc-brand-preview" }, token: { colorPrimary: brand.primary } }}>
          <Card size="small" style={{ width: 280 }}>
            <BrandMark brand={brand} size={32} />
            <Typography.Paragraph type="secondary" style={{ margin: "8px 0" }}>
              {l("subtitle", { tenant: brand.name })}
            </Typography.Paragraph>
            <Input size="small" disabled placeholder={l("ustr")} style={{ marginBottom: 8 }} />
            <Button type="primary" block size="small" tabIndex={-1} data-testid="brand-preview-button">
              {l("submit")}
            </Button>
          </Card>
        </ConfigProvider>
      </div>
    </div>
  );
}
