"use client";

import { ApiOutlined, DesktopOutlined, MobileOutlined, TabletOutlined } from "@ant-design/icons";
import { Descriptions, Space, Tooltip, Typography } from "antd";
import { useTranslations } from "next-intl";
import type { DeviceType, SessionItem } from "~/lib/validators/session";
import { CopyText } from "~/components/copy-text";

const ICON: Record<DeviceType, React.ReactNode> = {
  desktop: <DesktopOutlined />,
  mobile: <MobileOutlined />,
  tablet: <TabletOutlined />,
  other: <ApiOutlined />,
};

type Client = Pick<SessionItem, "agent" | "userAgent" | "deviceId" | "ip" | "ipPlace">;

/** "Chrome 131 · Windows 10", or the model first on a phone: "Apple iPhone · iOS 17.5 · Mobile Safari 17". */
export function deviceText(s: Pick<SessionItem, "agent">, unknown: string): string {
  const a = s.agent;
  const parts = a ? [a.deviceType === "desktop" ? null : a.model, a.browser, a.os].filter(Boolean) : [];
  return parts.length ? parts.join(" · ") : unknown;
}

/** The place of the session's IP in words: the local network, the region (and carrier), or unknown. */
export function placeText(s: Pick<SessionItem, "ipPlace">, t: (key: "localNetwork" | "unknownPlace") => string): string {
  const p = s.ipPlace;
  if (!p) return "—";
  if (p.local) return t("localNetwork");
  return [p.region, p.isp].filter(Boolean).join(" · ") || t("unknownPlace");
}

/** Browser, OS and kind of device, with the raw User-Agent (and device id) in the tooltip. */
export function SessionDevice({ session: s }: { session: Client }) {
  const t = useTranslations("session");
  const type = s.agent?.deviceType ?? "other";
  const text = deviceText(s, t("unknownDevice"));
  return (
    <Tooltip
      title={
        s.userAgent || s.deviceId ? (
          <Space orientation="vertical" size={2}>
            {s.userAgent && <span style={{ wordBreak: "break-all" }}>{s.userAgent}</span>}
            {s.deviceId && <span>{`${t("deviceId")}: ${s.deviceId}`}</span>}
          </Space>
        ) : undefined
      }
    >
      {/* Inline, so that a narrow column cuts it with an ellipsis. */}
      <span data-testid="session-device">
        <span role="img" aria-label={t(`deviceTypes.${type}`)} style={{ marginInlineEnd: 6 }}>
          {ICON[type]}
        </span>
        {text}
      </span>
    </Tooltip>
  );
}

/** The IP's place in words above the raw address. */
export function SessionPlace({ session: s }: { session: Client }) {
  const t = useTranslations("session");
  if (!s.ip) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space orientation="vertical" size={0} data-testid="session-place">
      <span style={{ whiteSpace: "nowrap" }}>{placeText(s, t)}</span>
      <CopyText secondary text={s.ip} style={{ fontSize: 12, whiteSpace: "nowrap" }} />
    </Space>
  );
}

/** Everything the raw values say, for an expanded row. */
export function SessionClientDetail({ session: s }: { session: Client }) {
  const t = useTranslations("session");
  const a = s.agent;
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 2 }}
      styles={{ label: { whiteSpace: "nowrap" } }}
      items={[
        { key: "type", label: t("device"), children: a ? t(`deviceTypes.${a.deviceType}`) : t("unknownDevice") },
        { key: "agent", label: t("browserOs"), children: deviceText(s, "—") },
        { key: "ip", label: t("ip"), children: s.ip ? <Typography.Text copyable>{s.ip}</Typography.Text> : "—" },
        { key: "place", label: t("place"), children: placeText(s, t) },
        {
          key: "ua",
          label: t("userAgent"),
          span: "filled",
          children: s.userAgent ? (
            <Typography.Text copyable style={{ wordBreak: "break-all" }}>
              {s.userAgent}
            </Typography.Text>
          ) : (
            "—"
          ),
        },
        ...(s.deviceId
          ? [{ key: "deviceId", label: t("deviceId"), span: "filled" as const, children: <Typography.Text copyable>{s.deviceId}</Typography.Text> }]
          : []),
      ]}
    />
  );
}
