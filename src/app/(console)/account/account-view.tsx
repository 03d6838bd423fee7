"use client";

import { useFeedback } from "~/components/feedback";
import { ConsolePage } from "~/components/console-page";
import { Alert, Button, Descriptions, Input, List, Space, Tabs, Tooltip } from "antd";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import { Popconfirm } from "~/components/lazy-popconfirm";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dayjs from "dayjs";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { handleServerError } from "~/components/form-errors";
import { AvatarUpload } from "~/components/avatar-upload";
import { SessionDevice, deviceText, placeText } from "~/components/session-client";
import { describeError } from "~/lib/errors";
import { useRouter, useSearchParams } from "next/navigation";
import { useSeededText } from "~/components/use-seeded-text";
import dynamic from "next/dynamic";
import { useFormatTime } from "~/components/time";

// The account's forms (antd Form, the date picker, the shared zod schemas) load when one is first opened.
const ProfileModal = dynamic(() => import("./account-forms").then((m) => m.ProfileModal), { ssr: false });
const ContactModal = dynamic(() => import("./account-forms").then((m) => m.ContactModal), { ssr: false });
const PasswordForm = dynamic(() => import("./account-forms").then((m) => m.PasswordForm), { ssr: false });

function ProfileTab() {
  const t = useTranslations("account");
  const f = useTranslations("file");
  const trpc = useTRPC();
  const seeded = useSeededText();
  const qc = useQueryClient();
  const me = useQuery(trpc.me.get.queryOptions());
  const profile = useQuery(trpc.me.profile.queryOptions());
  const [editing, setEditing] = useState(false);
  const p = profile.data;
  return (
    <>
      <Descriptions
        data-testid="profile"
        column={1}
        extra={
          <Button onClick={() => setEditing(true)} data-testid="edit-profile">
            {t("editProfile")}
          </Button>
        }
        items={[
          {
            key: "avatar",
            label: f("avatar.label"),
            children: <AvatarUpload src={p?.avatar} onChanged={() => qc.invalidateQueries(trpc.me.profile.pathFilter())} />,
          },
          { key: "u", label: t("userName"), children: me.data?.userName ?? "—" },
          { key: "n", label: t("nickname"), children: seeded.nickname(p?.nickname) ?? "—" },
          { key: "p", label: t("phone"), children: <ContactValue kind="phone" value={me.data?.phone} /> },
          { key: "e", label: t("email"), children: <ContactValue kind="email" value={me.data?.email} /> },
          { key: "g", label: t("gender"), children: p?.gender ? t(p.gender) : "—" },
          { key: "b", label: t("birthday"), children: p?.birthday ?? "—" },
          { key: "a", label: t("address"), children: p?.address ?? "—" },
          { key: "d", label: t("description"), children: p?.description ?? "—" },
          { key: "r", label: t("roles"), children: me.data?.roles.map((r) => <Tag key={r}>{seeded.roleLabel({ name: r })}</Tag>) },
        ]}
      />
      {editing && <ProfileModal open onClose={() => setEditing(false)} />}
    </>
  );
}

function ContactValue({ kind, value }: { kind: "phone" | "email"; value: string | null | undefined }) {
  const t = useTranslations("account");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [open, setOpen] = useState(false);
  const remove = useMutation(
    trpc.me.unbindContact.mutationOptions({
      onSuccess: () => qc.invalidateQueries(trpc.me.get.pathFilter()),
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  return (
    <Space>
      <span>{value ?? "—"}</span>
      <Button size="small" type="link" onClick={() => setOpen(true)}>
        {value ? t("changeShort") : t("bind")}
      </Button>
      {value && (
        <Popconfirm title={t("confirmRemove")} onConfirm={() => remove.mutateAsync({ kind })}>
          <Button size="small" type="link" danger>
            {t("remove")}
          </Button>
        </Popconfirm>
      )}
      {open && <ContactModal kind={kind} open onClose={() => setOpen(false)} />}
    </Space>
  );
}

/** The apps this user let sign them in (their OpenID Provider grants), each with a revoke button. */
function ConnectedApps() {
  const t = useTranslations("account");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const list = useQuery(trpc.me.apps.queryOptions());
  const revoke = useMutation(
    trpc.me.revokeApp.mutationOptions({
      onSuccess: () => qc.invalidateQueries(trpc.me.apps.pathFilter()),
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  return (
    <List
      loading={list.isLoading}
      dataSource={list.data ?? []}
      locale={{ emptyText: t("appsEmpty") }}
      data-testid="connected-apps"
      renderItem={(a) => (
        <List.Item
          actions={[
            <Popconfirm key="revoke" title={t("confirmRevoke", { app: a.name })} onConfirm={() => revoke.mutateAsync({ grantId: a.grantId })}>
              <Button type="link" danger>
                {t("revoke")}
              </Button>
            </Popconfirm>,
          ]}
        >
          <List.Item.Meta
            title={a.name}
            description={
              <Space wrap>
                {a.scopes.map((s) => (
                  <Tag key={s}>{s}</Tag>
                ))}
                <span>{t("grantedAt", { at: dayjs(a.grantedAt).format("YYYY-MM-DD HH:mm") })}</span>
              </Space>
            }
          />
        </List.Item>
      )}
    />
  );
}

function MySessions() {
  const fmt = useFormatTime();
  const t = useTranslations("account");
  const s = useTranslations("session");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message, modal } = useFeedback();
  const list = useQuery(trpc.me.sessions.queryOptions());
  const refresh = () => qc.invalidateQueries(trpc.me.sessions.pathFilter());
  const end = useMutation(trpc.me.endSession.mutationOptions({ onSuccess: refresh, onError: (e) => void message.error(handleServerError(null, e)) }));
  const label = useMutation(trpc.me.labelSession.mutationOptions({ onSuccess: refresh, onError: (e) => void message.error(handleServerError(null, e)) }));
  return (
    <List
      loading={list.isLoading}
      dataSource={list.data ?? []}
      renderItem={(r) => (
        <List.Item
          actions={[
            <Button
              key="rename"
              type="link"
              onClick={() => {
                let name = r.name ?? "";
                modal.confirm({
                  title: t("renamePrompt"),
                  content: <Input defaultValue={name} maxLength={64} showCount onChange={(e) => (name = e.target.value)} aria-label={t("renamePrompt")} />,
                  onOk: () => label.mutateAsync({ id: r.id, name }),
                });
              }}
            >
              {t("rename")}
            </Button>,
            !r.current && (
              <Popconfirm key="end" title={t("confirmEnd")} onConfirm={() => end.mutateAsync({ id: r.id })}>
                <Button type="link" danger>
                  {t("end")}
                </Button>
              </Popconfirm>
            ),
          ].filter(Boolean)}
        >
          <List.Item.Meta
            title={
              <Space>
                {r.name ?? <SessionDevice session={r} />}
                {r.current && <Tag color="blue">{t("thisDevice")}</Tag>}
              </Space>
            }
            description={
              <Tooltip title={r.ip}>
                <span>
                  {[
                    r.name ? deviceText(r, s("unknownDevice")) : null,
                    s(`sites.${r.site as "web"}`),
                    s.has(`methods.${r.method}`) ? s(`methods.${r.method}` as "methods.password") : r.method,
                    r.ip ? placeText(r, s) : null,
                    fmt(r.lastSeenAt, "YYYY-MM-DD HH:mm"),
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </span>
              </Tooltip>
            }
          />
        </List.Item>
      )}
    />
  );
}

/** `bindError`: the code a failed "Link WeChat" round trip came back with (/api/auth/wechat/start). */
function LinkedAccounts({ bindError }: { bindError: number | null }) {
  const fmt = useFormatTime();
  const t = useTranslations("account");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const list = useQuery(trpc.me.externalLogins.queryOptions());
  const unbind = useMutation(
    trpc.me.unbind.mutationOptions({
      onSuccess: () => qc.invalidateQueries(trpc.me.externalLogins.pathFilter()),
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  const linked = new Set(list.data?.map((l) => l.provider));
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {bindError && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="bind-error"
          title={bindError === 12006 ? t("wechatNotConfigured") : describeError(bindError, locale).description}
        />
      )}
      <List
        loading={list.isLoading}
        dataSource={list.data ?? []}
        locale={{ emptyText: t("none") }}
        renderItem={(l) => (
          <List.Item
            actions={[
              <Popconfirm key="u" title={t("unbind")} onConfirm={() => unbind.mutateAsync({ provider: l.provider as "wechat" | "miniprogram" })}>
                <Button type="link" danger>
                  {t("unbind")}
                </Button>
              </Popconfirm>,
            ]}
          >
            <List.Item.Meta
              title={t(l.provider === "wechat" ? "wechat" : "miniprogram")}
              description={`${l.nickname ?? ""} · ${fmt(l.createdAt, "YYYY-MM-DD")}`}
            />
          </List.Item>
        )}
      />
      {!linked.has("wechat") && (
        <Button href="/api/auth/wechat/start?mode=bind&callbackUrl=/account" data-testid="bind-wechat">
          {t("bindWechat")}
        </Button>
      )}
    </Space>
  );
}

const TABS = ["profile", "password", "sessions", "linked", "apps"] as const;

/** Edits the address bar's query in place (no navigation: Next keeps it in step with useSearchParams). */
function replaceQuery(edit: (q: URLSearchParams) => void) {
  const url = new URL(window.location.href);
  edit(url.searchParams);
  window.history.replaceState(null, "", url.pathname + url.search);
}
type Tab = (typeof TABS)[number];

export function AccountView() {
  const t = useTranslations("account");
  const params = useSearchParams();
  const mustChange = params.get("mustChange") === "1";
  const router = useRouter();
  // The open tab is in the URL (?tab=password), so a reload or a round trip to WeChat comes back to it.
  const [tab, setTab] = useState<Tab>(() => TABS.find((k) => k === params.get("tab")) ?? "profile");
  // Read once: a reload after the message has been seen does not show it again.
  const [bindError] = useState(() => Number(params.get("bindError")) || null);
  const open = (key: string) => {
    setTab(key as Tab);
    replaceQuery((q) => q.set("tab", key));
  };
  useEffect(() => {
    if (bindError) replaceQuery((q) => q.delete("bindError"));
  }, [bindError]);
  return (
    <ConsolePage title={t("title")}>
      <Card>
        <Tabs
          activeKey={mustChange ? "password" : tab}
          onChange={open}
          items={
            // Until the password an administrator set is replaced, the password form is all there is.
            mustChange
              ? [
                  {
                    key: "password",
                    label: t("security"),
                    children: (
                      <PasswordForm
                        afterChange={() => {
                          router.replace("/");
                          router.refresh();
                        }}
                      />
                    ),
                  },
                ]
              : [
                  {
                    key: "profile",
                    label: t("profile"),
                    children: <ProfileTab />,
                  },
                  { key: "password", label: t("security"), children: <PasswordForm /> },
                  { key: "sessions", label: t("sessions"), children: <MySessions /> },
                  { key: "linked", label: t("linked"), children: <LinkedAccounts bindError={bindError} /> },
                  { key: "apps", label: t("apps"), children: <ConnectedApps /> },
                ]
          }
        />
      </Card>
    </ConsolePage>
  );
}
