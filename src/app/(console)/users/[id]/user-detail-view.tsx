"use client";

import { useFeedback } from "~/components/feedback";
import { useHistoryTab } from "~/components/record-history";
import { DetailPage } from "~/components/detail-page";
import { Alert, Button, Checkbox, DatePicker, Descriptions, Divider, Empty, Form, Input, Skeleton, Space, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import { Popconfirm } from "~/components/lazy-popconfirm";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import dayjs, { type Dayjs } from "dayjs";
import Link from "~/components/app-link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { userClaimsInput, userUpdateInput, type UserDetail } from "~/lib/validators/user";
import type { SessionItem } from "~/lib/validators/session";
import { SessionClientDetail, SessionDevice, SessionPlace } from "~/components/session-client";
import { clearErrorsOnChange, handleServerError, parseForm } from "~/components/form-errors";
import { AvatarUpload } from "~/components/avatar-upload";
import { useCan } from "~/components/console-permissions";
import { SessionActions } from "~/components/session-actions";
import { PASSWORD_MAX, PasswordStrength } from "~/components/password-strength";
import { ProfileFields, profileFromDetail, profilePayload, type ProfileValues } from "../user-form";
import { displayName } from "../users-view";
import { useSeededText } from "~/components/use-seeded-text";
import { useFormatTime } from "~/components/time";

/** Times in the page's zone ("—" for none). */
const useFmt = () => {
  const f = useFormatTime();
  return (d: Date | null | undefined) => (d ? f(d, "YYYY-MM-DD HH:mm") : "—");
};

export function UserDetailView({ id }: { id: string }) {
  const fmt = useFmt();
  const t = useTranslations("user");
  const trpc = useTRPC();
  const seeded = useSeededText();
  const detail = useQuery(trpc.user.detail.queryOptions({ id }));
  const history = useHistoryTab(id);
  const u = detail.data;
  return (
    <DetailPage
      query={detail}
      back={{ href: "/users", label: t("title") }}
      title={u && t("detailTitle", { name: displayName({ ...u, nickname: seeded.nickname(u.nickname) }) })}
      header={
        u && (
          <Card size="small">
            <Space wrap size="middle">
              <Tag color={u.status === "active" ? "green" : "red"}>{t(`statuses.${u.status}`)}</Tag>
              {u.deletedAt && <Tag color="orange">{t("deletedAt", { at: fmt(u.deletedAt) })}</Tag>}
              {u.lockedUntil && <Tag color="volcano">{t("lockedUntil", { until: fmt(u.lockedUntil) })}</Tag>}
              <Typography.Text type="secondary">{u.hasPassword ? t("hasPassword") : t("noPassword")}</Typography.Text>
              {u.referrer && (
                <Typography.Text>
                  {t("referrer")}: <Link href={`/users/${u.referrer.id}`}>{u.referrer.name ?? u.referrer.id}</Link>
                </Typography.Text>
              )}
              <Typography.Text type="secondary">{t("teamLevel", { level: u.teamDepth })}</Typography.Text>
              <Typography.Text type="secondary" copyable={{ text: u.id }}>
                ID {u.id.slice(0, 8)}…
              </Typography.Text>
            </Space>
          </Card>
        )
      }
      tabs={
        u && [
          { key: "profile", label: t("tabs.profile"), children: <ProfileTab user={u} /> },
          { key: "roles", label: t("tabs.roles"), children: <RolesTab user={u} /> },
          { key: "claims", label: t("tabs.claims"), children: <ClaimsTab user={u} /> },
          { key: "sessions", label: t("tabs.sessions"), children: <SessionsTab user={u} /> },
          { key: "logins", label: t("tabs.logins"), children: <LoginsTab user={u} /> },
          { key: "security", label: t("tabs.security"), children: <SecurityTab user={u} /> },
          ...history,
        ]
      }
    />
  );
}

function useSaved() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const c = useTranslations("common");
  return {
    refresh: () => qc.invalidateQueries(trpc.user.pathFilter()),
    ok: (text?: string) => {
      void message.success(text ?? c("saved"));
      return qc.invalidateQueries(trpc.user.pathFilter());
    },
    fail: (e: unknown) => void message.error(handleServerError(null, e)),
  };
}

function ProfileTab({ user }: { user: UserDetail }) {
  const c = useTranslations("common");
  const f = useTranslations("file");
  const canEdit = useCan("uc.user.put") !== false;
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const [form] = Form.useForm<ProfileValues>();
  const [error, setError] = useState<string | null>(null);
  const saved = useSaved();
  const update = useMutation(trpc.user.update.mutationOptions({ onSuccess: () => saved.ok(), onError: (e) => setError(handleServerError(form, e)) }));
  const seeded = useSeededText();
  // The seeded operator's nickname as the header shows it, in the console's language.
  useEffect(() => form.setFieldsValue({ ...profileFromDetail(user), nickname: seeded.nickname(user.nickname) ?? "" }), [user, form, seeded]);
  const submit = (v: ProfileValues) => {
    setError(null);
    const parsed = parseForm(form, userUpdateInput, { ...profilePayload(v), id: user.id }, locale);
    if (parsed) update.mutate(parsed);
  };
  return (
    <Form<ProfileValues>
      form={form}
      layout="vertical"
      onValuesChange={clearErrorsOnChange(form)}
      onFinish={submit}
      disabled={update.isPending || !!user.deletedAt}
      style={{ maxWidth: 640 }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      {canEdit && !user.deletedAt && (
        <Form.Item label={f("avatar.label")}>
          <AvatarUpload src={user.avatar} userId={user.id} onChanged={() => saved.refresh()} />
        </Form.Item>
      )}
      <ProfileFields user={user} />
      <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="profile-save">
        {c("save")}
      </Button>
    </Form>
  );
}

function RolesTab({ user }: { user: UserDetail }) {
  const t = useTranslations("user");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const seeded = useSeededText();
  const roles = useQuery(trpc.user.roleOptions.queryOptions({ tenantId: user.tenantId }));
  const [chosen, setChosen] = useState<string[]>(user.roles.map((r) => r.id));
  // Fresh roles from the server (after a save or a refetch) replace the choice, adjusted during render.
  const [rolesShown, setRolesShown] = useState(user.roles);
  if (rolesShown !== user.roles) {
    setRolesShown(user.roles);
    setChosen(user.roles.map((r) => r.id));
  }
  const saved = useSaved();
  const setRoles = useMutation(trpc.user.setRoles.mutationOptions({ onSuccess: () => saved.ok(), onError: saved.fail }));
  return (
    <Space orientation="vertical" size="middle">
      <Typography.Text type="secondary">{t("rolesHelp")}</Typography.Text>
      {roles.isLoading ? (
        <Skeleton active />
      ) : (
        <Checkbox.Group value={chosen} onChange={(v) => setChosen(v as string[])} disabled={!!user.deletedAt}>
          <Space orientation="vertical">
            {(roles.data ?? []).map((r) => (
              <Checkbox key={r.id} value={r.id}>
                <strong>{seeded.roleLabel(r)}</strong> {r.description && <Typography.Text type="secondary">— {seeded.roleDescription(r)}</Typography.Text>}
              </Checkbox>
            ))}
          </Space>
        </Checkbox.Group>
      )}
      <Button type="primary" loading={setRoles.isPending} disabled={!!user.deletedAt} onClick={() => setRoles.mutate({ id: user.id, roleIds: chosen })}>
        {c("save")}
      </Button>
    </Space>
  );
}

interface ClaimValues {
  claims: { type: string; value: string }[];
  properties: { key: string; value: string }[];
}

function ClaimsTab({ user }: { user: UserDetail }) {
  const t = useTranslations("user");
  const c = useTranslations("common");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const [form] = Form.useForm<ClaimValues>();
  const saved = useSaved();
  const setClaims = useMutation(trpc.user.setClaims.mutationOptions({ onSuccess: () => saved.ok(), onError: (e) => void handleServerError(form, e) }));
  useEffect(
    () => form.setFieldsValue({ claims: user.claims, properties: Object.entries(user.properties).map(([key, value]) => ({ key, value })) }),
    [user, form],
  );
  const submit = (v: ClaimValues) => {
    const properties = Object.fromEntries((v.properties ?? []).filter((p) => p.key?.trim()).map((p) => [p.key.trim(), p.value ?? ""]));
    const parsed = parseForm(form, userClaimsInput, { id: user.id, claims: v.claims ?? [], properties }, locale);
    if (parsed) setClaims.mutate(parsed);
  };
  const pairs = (name: "claims" | "properties", a: string, b: string, la: string, lb: string) => (
    <Form.List name={name}>
      {(fields, { add, remove }) => (
        <>
          {fields.map((f) => (
            <Space key={f.key} align="baseline" style={{ display: "flex" }}>
              <Form.Item name={[f.name, a]}>
                <Input placeholder={la} aria-label={la} />
              </Form.Item>
              <Form.Item name={[f.name, b]}>
                <Input placeholder={lb} aria-label={lb} style={{ width: 280 }} />
              </Form.Item>
              <Button type="text" icon={<MinusCircleOutlined />} aria-label={c("remove")} onClick={() => remove(f.name)} />
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ [a]: "", [b]: "" })}>
            {c("add")}
          </Button>
        </>
      )}
    </Form.List>
  );
  return (
    <Form<ClaimValues>
      form={form}
      layout="vertical"
      onValuesChange={clearErrorsOnChange(form)}
      onFinish={submit}
      disabled={setClaims.isPending || !!user.deletedAt}
    >
      <Divider titlePlacement="start">{t("claims")}</Divider>
      {pairs("claims", "type", "value", t("claimType"), t("claimValue"))}
      <Divider titlePlacement="start">{t("properties")}</Divider>
      {pairs("properties", "key", "value", t("propertyKey"), t("propertyValue"))}
      <Divider />
      <Button type="primary" htmlType="submit" loading={setClaims.isPending}>
        {c("save")}
      </Button>
    </Form>
  );
}

function SessionsTab({ user }: { user: UserDetail }) {
  const fmt = useFmt();
  const t = useTranslations("user");
  const s = useTranslations("session");
  const trpc = useTRPC();
  const c = useTranslations("common");
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const sessions = useQuery(trpc.user.sessions.queryOptions({ id: user.id, skip: (page - 1) * 10, take: 10 }));
  const refresh = () => Promise.all([qc.invalidateQueries(trpc.user.sessions.pathFilter()), qc.invalidateQueries(trpc.session.pathFilter())]);
  return (
    <Table<SessionItem>
      rowKey="id"
      size="small"
      loading={sessions.isFetching}
      dataSource={sessions.data?.items}
      locale={{ emptyText: <Empty description={t("noSessions")} /> }}
      pagination={{ current: page, pageSize: 10, total: sessions.data?.total ?? 0, onChange: setPage }}
      expandable={{ expandedRowRender: (r) => <SessionClientDetail session={r} /> }}
      columns={[
        { title: t("sessionSite"), dataIndex: "site", key: "site", render: (v: string) => s(`sites.${v as "web"}`) },
        {
          title: t("sessionMethod"),
          dataIndex: "method",
          key: "method",
          render: (m: string) => (s.has(`methods.${m}`) ? s(`methods.${m}` as "methods.password") : m),
        },
        { title: t("sessionState"), dataIndex: "state", key: "state", render: (v: string) => <Tag>{s(`states.${v as "active"}`)}</Tag> },
        { title: s("device"), key: "device", width: 260, ellipsis: { showTitle: false }, render: (_, r) => <SessionDevice session={r} /> },
        { title: s("ipPlace"), key: "ip", render: (_, r) => <SessionPlace session={r} /> },
        { title: t("lastSeen"), dataIndex: "lastSeenAt", key: "lastSeenAt", render: fmt },
        { title: c("actions"), key: "actions", fixed: "right", render: (_, r) => <SessionActions session={r} onChanged={refresh} /> },
      ]}
      scroll={{ x: "max-content" }}
    />
  );
}

function LoginsTab({ user }: { user: UserDetail }) {
  const fmt = useFmt();
  const t = useTranslations("user");
  const trpc = useTRPC();
  const saved = useSaved();
  const unlink = useMutation(trpc.user.unlinkLogin.mutationOptions({ onSuccess: () => saved.ok(), onError: saved.fail }));
  return (
    <Table
      rowKey="id"
      size="small"
      dataSource={user.externalLogins}
      pagination={false}
      locale={{ emptyText: <Empty description={t("noLogins")} /> }}
      columns={[
        { title: t("provider"), dataIndex: "provider", key: "provider" },
        { title: t("providerKey"), dataIndex: "providerKey", key: "providerKey", render: (v: string) => <Typography.Text copyable>{v}</Typography.Text> },
        { title: t("unionId"), dataIndex: "unionId", key: "unionId", render: (v: string | null) => v ?? "—" },
        { title: t("linkedAt"), dataIndex: "createdAt", key: "createdAt", render: fmt },
        {
          title: "",
          key: "unlink",
          render: (_, l) => (
            <Popconfirm
              title={t("confirmUnlink", { provider: l.provider })}
              onConfirm={() => unlink.mutateAsync({ id: user.id, loginId: l.id })}
              okButtonProps={{ danger: true }}
            >
              <Button size="small" type="link" danger>
                {t("unlink")}
              </Button>
            </Popconfirm>
          ),
        },
      ]}
    />
  );
}

function SecurityTab({ user }: { user: UserDetail }) {
  const fmt = useFmt();
  const t = useTranslations("user");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const saved = useSaved();
  const { modal } = useFeedback();
  const [until, setUntil] = useState<Dayjs | null>(dayjs().add(1, "day").startOf("hour"));
  const [password, setPassword] = useState("");
  const [mustChange, setMustChange] = useState(true);
  const lock = useMutation(trpc.user.lock.mutationOptions({ onSuccess: () => saved.ok(), onError: saved.fail }));
  const unlock = useMutation(trpc.user.unlock.mutationOptions({ onSuccess: () => saved.ok(), onError: saved.fail }));
  const remove = useMutation(trpc.user.delete.mutationOptions({ onSuccess: () => saved.ok(c("deleted")), onError: saved.fail }));
  const recycle = useMutation(trpc.user.recycle.mutationOptions({ onSuccess: () => saved.ok(t("restored")), onError: saved.fail }));
  const reset = useMutation(
    trpc.user.resetPassword.mutationOptions({
      onSuccess: (r) => {
        setPassword("");
        void saved.ok(t("resetDone", { count: r.sessionsEnded }));
        if (r.generatedPassword)
          modal.info({
            title: t("generatedTitle"),
            content: (
              <Space orientation="vertical">
                <Typography.Text type="secondary">{t("generatedHelp")}</Typography.Text>
                <Typography.Text code copyable data-testid="generated-password">
                  {r.generatedPassword}
                </Typography.Text>
              </Space>
            ),
          });
      },
      onError: saved.fail,
    }),
  );
  const name = displayName(user);
  const deleted = !!user.deletedAt;
  return (
    <Space orientation="vertical" size="large" style={{ width: "100%", maxWidth: 720 }}>
      <Card size="small" title={t("lockTitle")}>
        <Space orientation="vertical">
          <Typography.Text type="secondary">{t("lockHelp")}</Typography.Text>
          <Descriptions
            size="small"
            column={1}
            items={[{ key: "l", label: t("lockUntil"), children: user.lockedUntil ? fmt(user.lockedUntil) : t("notLocked") }]}
          />
          <Space wrap>
            <DatePicker
              showTime={{ format: "HH:mm" }}
              format="YYYY-MM-DD HH:mm"
              value={until}
              onChange={setUntil}
              disabledDate={(d) => d.isBefore(dayjs().startOf("day"))}
              aria-label={t("lockUntil")}
              disabled={deleted}
            />
            <Popconfirm
              title={t("lockTitle")}
              description={t("lockHelp")}
              onConfirm={() => until && lock.mutateAsync({ id: user.id, until: until.toDate() })}
              okButtonProps={{ danger: true }}
              disabled={deleted || !until}
            >
              <Button danger loading={lock.isPending} disabled={deleted || !until}>
                {t("lock")}
              </Button>
            </Popconfirm>
            <Button loading={unlock.isPending} disabled={!user.lockedUntil} onClick={() => unlock.mutate({ id: user.id })}>
              {t("unlock")}
            </Button>
          </Space>
        </Space>
      </Card>
      <Card size="small" title={t("resetTitle")}>
        <Space orientation="vertical" style={{ width: "100%" }}>
          <Typography.Text type="secondary">{t("resetHelp")}</Typography.Text>
          <PasswordStrength value={password} />
          <Space wrap>
            <Input.Password
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              placeholder={t("newPassword")}
              aria-label={t("newPassword")}
              autoComplete="new-password"
              maxLength={PASSWORD_MAX}
              showCount
              style={{ width: 260 }}
              disabled={deleted}
            />
            <Checkbox checked={mustChange} onChange={(e) => setMustChange(e.target.checked)} disabled={deleted}>
              {t("mustChangePassword")}
            </Checkbox>
            <Popconfirm
              title={t("resetTitle")}
              description={t("resetHelp")}
              onConfirm={() => reset.mutateAsync({ id: user.id, password, mustChangePassword: mustChange })}
              disabled={deleted}
            >
              <Button loading={reset.isPending} disabled={deleted}>
                {t("resetSubmit")}
              </Button>
            </Popconfirm>
          </Space>
        </Space>
      </Card>
      <Card size="small" title={t("dangerTitle")}>
        <Space orientation="vertical">
          <Typography.Text type="secondary">{t("deleteHelp")}</Typography.Text>
          {deleted ? (
            <Popconfirm title={t("confirmRestore", { name })} onConfirm={() => recycle.mutateAsync({ id: user.id })}>
              <Button type="primary" loading={recycle.isPending}>
                {t("restore")}
              </Button>
            </Popconfirm>
          ) : (
            <Popconfirm title={t("confirmDelete", { name })} onConfirm={() => remove.mutateAsync({ id: user.id })} okButtonProps={{ danger: true }}>
              <Button danger loading={remove.isPending}>
                {c("delete")}
              </Button>
            </Popconfirm>
          )}
        </Space>
      </Card>
    </Space>
  );
}
