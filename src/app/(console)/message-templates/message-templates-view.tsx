"use client";

import { useFeedback } from "~/components/feedback";
import { useRef, useState, type KeyboardEvent } from "react";
import { Alert, Button, Descriptions, Drawer, Empty, Form, Input, Select, Space, Table, Tabs, Tooltip, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import { Popconfirm } from "~/components/lazy-popconfirm";
import type { TableProps } from "antd";
import type { TextAreaRef } from "antd/es/input/TextArea";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { ConsolePage } from "~/components/console-page";
import { useCan, useConsoleTenantId } from "~/components/console-permissions";
import { clearErrorsOnChange, handleServerError, parseForm } from "~/components/form-errors";
import { useUrlState } from "~/components/use-url-state";
import { useTRPC } from "~/trpc/react";
import type { Locale } from "~/lib/errors";
import {
  SMS_MAX_SEGMENTS,
  TEMPLATE_CHANNELS,
  TEMPLATE_LOCALES,
  TEMPLATE_PURPOSES,
  TEMPLATE_VARIABLES,
  renderTemplate,
  sampleValues,
  smsLength,
  smsSegments,
  type TemplateChannel,
  type TemplatePurpose,
  type TemplateVariable,
} from "~/lib/message-templates";
import { messageTemplateUpdateInput, type MessageTemplateItem } from "~/lib/validators/message-template";
import { useFormatTime } from "~/components/time";

/** The messages' key of a language (next-intl keys are plain names). */
const localeKey = (l: Locale) => (l === "en" ? "en" : "zh");

interface Row {
  key: string;
  purpose: TemplatePurpose;
  channel: TemplateChannel;
  texts: Record<Locale, MessageTemplateItem>;
}

export function MessageTemplatesView() {
  const t = useTranslations("messageTemplate");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const url = useUrlState();
  const isOperator = useCan("uc.tenant.get") === true;
  const ownTenant = useConsoleTenantId();
  const tenantId = (isOperator && url.get("tenant")) || undefined;
  const tenants = useQuery({ ...trpc.tenant.list.queryOptions({ take: 100 }), enabled: isOperator });
  const list = useQuery(trpc.messageTemplate.list.queryOptions(tenantId ? { tenantId } : undefined));
  const [open, setOpen] = useState<{ purpose: TemplatePurpose; channel: TemplateChannel } | null>(null);

  const items = list.data?.items ?? [];
  const rows: Row[] = TEMPLATE_PURPOSES.flatMap((purpose) =>
    TEMPLATE_CHANNELS.flatMap((channel) => {
      const of = (l: Locale) => items.find((i) => i.purpose === purpose && i.channel === channel && i.locale === l);
      const zh = of("zh-CN");
      const en = of("en");
      return zh && en ? [{ key: `${purpose}-${channel}`, purpose, channel, texts: { "zh-CN": zh, en } }] : [];
    }),
  );
  const textColumn = (l: Locale): NonNullable<TableProps<Row>["columns"]>[number] => ({
    title: t(`locales.${localeKey(l)}`),
    key: l,
    render: (_, row) => {
      const item = row.texts[l];
      return (
        <div style={{ display: "flex", flexDirection: "column", alignItems: "flex-start", gap: 2, minWidth: 0 }}>
          <Tag color={item.custom ? "blue" : "default"}>{item.custom ? t("custom") : t("builtIn")}</Tag>
          {item.subject !== null && (
            <Typography.Text strong ellipsis={{ tooltip: item.subject }} style={{ maxWidth: "100%" }}>
              {item.subject}
            </Typography.Text>
          )}
          <Typography.Text type="secondary" ellipsis={{ tooltip: item.body }} style={{ maxWidth: "100%" }} data-testid={`template-text-${row.key}-${l}`}>
            {item.body}
          </Typography.Text>
        </div>
      );
    },
  });
  const columns: TableProps<Row>["columns"] = [
    { title: t("purpose"), key: "purpose", render: (_, r) => t(`purposes.${r.purpose}`), width: 130 },
    { title: t("channel"), key: "channel", render: (_, r) => <Tag>{t(`channels.${r.channel}`)}</Tag>, width: 110 },
    textColumn("zh-CN"),
    textColumn("en"),
    {
      title: t("providerCodes"),
      key: "codes",
      width: 160,
      render: (_, r) => {
        if (r.channel !== "sms") return "—";
        const codes = TEMPLATE_LOCALES.flatMap((l) => [r.texts[l].aliyunTemplateCode, r.texts[l].tencentTemplateId]).filter(Boolean);
        return codes.length ? [...new Set(codes)].map((c) => <Tag key={c}>{c}</Tag>) : "—";
      },
    },
    {
      title: "",
      key: "actions",
      width: 90,
      render: (_, r) => (
        <Button size="small" type="link" onClick={() => setOpen({ purpose: r.purpose, channel: r.channel })} data-testid={`template-edit-${r.key}`}>
          {c("edit")}
        </Button>
      ),
    },
  ];
  const openRow = open ? rows.find((r) => r.purpose === open.purpose && r.channel === open.channel) : undefined;

  return (
    <ConsolePage title={t("title")} intro={t("intro")}>
      {isOperator && (
        <Card size="small">
          <Space>
            <label htmlFor="template-tenant">{t("tenant")}</label>
            <Select
              id="template-tenant"
              style={{ minWidth: 240 }}
              loading={tenants.isLoading}
              value={tenantId ?? ownTenant}
              onChange={(v: string) => url.set({ tenant: v === ownTenant ? undefined : v })}
              options={(tenants.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))}
              showSearch={{ optionFilterProp: "label" }}
            />
          </Space>
        </Card>
      )}
      <Card size="small">
        <Table<Row>
          rowKey="key"
          loading={list.isLoading}
          dataSource={rows}
          columns={columns}
          pagination={false}
          // Fixed: long texts are cut with an ellipsis (the whole text in a tooltip) instead of widening the table.
          tableLayout="fixed"
          locale={{
            emptyText: list.isError ? (
              <Alert type="error" showIcon title={t("loadFailed")} description={handleServerError(null, list.error)} />
            ) : (
              <Empty description={t("empty")} />
            ),
          }}
        />
      </Card>
      {openRow && list.data && (
        <TemplateDrawer key={openRow.key} row={openRow} tenantId={tenantId} tenantName={list.data.tenant.name} onClose={() => setOpen(null)} />
      )}
    </ConsolePage>
  );
}

function TemplateDrawer({ row, tenantId, tenantName, onClose }: { row: Row; tenantId?: string; tenantName: string; onClose: () => void }) {
  const t = useTranslations("messageTemplate");
  const uiLocale: Locale = useLocale() === "en" ? "en" : "zh-CN";
  const [tab, setTab] = useState<Locale>(uiLocale);
  const [dirty, setDirty] = useState<Record<Locale, boolean>>({ "zh-CN": false, en: false });
  const { modal } = useFeedback();
  // Unsaved text in either language: closing (the ✕, Esc, a click beside the drawer) asks first.
  const close = () => {
    const unsaved = TEMPLATE_LOCALES.filter((l) => dirty[l]).map((l) => t(`locales.${localeKey(l)}`));
    if (!unsaved.length) return onClose();
    modal.confirm({
      title: t("discardTitle"),
      content: t("discardBody", { locales: unsaved.length > 1 ? t("localeList", { first: unsaved[0]!, second: unsaved[1]! }) : unsaved[0]! }),
      okText: t("discard"),
      okButtonProps: { danger: true },
      cancelText: t("keepEditing"),
      onOk: onClose,
    });
  };
  return (
    <Drawer
      open
      size={720}
      title={t("editTitle", { purpose: t(`purposes.${row.purpose}`), channel: t(`channels.${row.channel}`) })}
      onClose={close}
      destroyOnHidden
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as Locale)}
        items={TEMPLATE_LOCALES.map((l) => ({
          key: l,
          label: (
            <span>
              {t(`locales.${localeKey(l)}`)}
              {dirty[l] && <Tag style={{ marginInlineStart: 8 }}>{t("unsaved")}</Tag>}
            </span>
          ),
          // Both stay mounted: switching languages keeps what was typed in the other.
          forceRender: true,
          children: (
            <LocalePanel
              item={row.texts[l]}
              tenantId={tenantId}
              tenantName={tenantName}
              onDirty={(d) => setDirty((prev) => (prev[l] === d ? prev : { ...prev, [l]: d }))}
            />
          ),
        }))}
      />
    </Drawer>
  );
}

interface FormValues {
  subject?: string | null;
  body: string;
  aliyunTemplateCode?: string | null;
  tencentTemplateId?: string | null;
}

const valuesOf = (i: MessageTemplateItem): FormValues => ({
  subject: i.subject ?? "",
  body: i.body,
  aliyunTemplateCode: i.aliyunTemplateCode ?? "",
  tencentTemplateId: i.tencentTemplateId ?? "",
});

/** One language of one template: the form, the variable chips, the live preview, save and reset. */
function LocalePanel({
  item,
  tenantId,
  tenantName,
  onDirty,
}: {
  item: MessageTemplateItem;
  tenantId?: string;
  tenantName: string;
  onDirty: (dirty: boolean) => void;
}) {
  const fmt = useFormatTime();
  const t = useTranslations("messageTemplate");
  const c = useTranslations("common");
  const uiLocale: Locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<string | null>(null);
  const bodyRef = useRef<TextAreaRef>(null);
  const subjectRef = useRef<HTMLInputElement | null>(null);
  const lastField = useRef<"subject" | "body">("body");
  const sms = item.channel === "sms";
  const key = { ...(tenantId ? { tenantId } : {}), purpose: item.purpose, channel: item.channel, locale: item.locale };
  const body = Form.useWatch("body", form) ?? item.body;
  const subject = Form.useWatch("subject", form) ?? item.subject ?? "";

  const refresh = async (saved: MessageTemplateItem) => {
    form.setFieldsValue(valuesOf(saved));
    onDirty(false);
    await qc.invalidateQueries(trpc.messageTemplate.pathFilter());
  };
  const update = useMutation(
    trpc.messageTemplate.update.mutationOptions({
      onSuccess: async (saved) => {
        void message.success(c("saved"));
        await refresh(saved);
      },
      onError: (e) => setError(handleServerError(form, e)),
    }),
  );
  const reset = useMutation(
    trpc.messageTemplate.reset.mutationOptions({
      onSuccess: async (saved) => {
        void message.success(t("resetDone"));
        form.setFields((Object.keys(valuesOf(saved)) as (keyof FormValues)[]).map((name) => ({ name, errors: [] })));
        await refresh(saved);
      },
      onError: (e) => setError(handleServerError(form, e)),
    }),
  );

  function save() {
    setError(null);
    const parsed = parseForm(form, messageTemplateUpdateInput, { ...key, ...form.getFieldsValue() }, uiLocale, (m) => setError(m.join(" ")));
    if (parsed) update.mutate(parsed);
  }

  /** Puts `{name}` where the caret is in the field last typed in (the body unless it was the subject), and the caret after it. */
  function insert(name: TemplateVariable) {
    const field = !sms && lastField.current === "subject" ? "subject" : "body";
    const el = field === "body" ? bodyRef.current?.resizableTextArea?.textArea : subjectRef.current;
    const current = String(form.getFieldValue(field) ?? "");
    const start = el?.selectionStart ?? current.length;
    const end = el?.selectionEnd ?? current.length;
    const token = `{${name}}`;
    form.setFieldValue(field, current.slice(0, start) + token + current.slice(end));
    onDirty(true);
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.setSelectionRange(start + token.length, start + token.length);
    });
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      save();
    }
  };

  const values = sampleValues(item.purpose, item.channel, item.locale, tenantName);
  const rendered = renderTemplate(body, values);
  const segments = smsSegments(rendered);
  const busy = update.isPending || reset.isPending;

  return (
    <Form<FormValues>
      form={form}
      // Both languages' forms are on the page at once: the name keeps their field ids (and labels) apart.
      name={`template-${item.locale}`}
      layout="vertical"
      initialValues={valuesOf(item)}
      disabled={busy}
      onValuesChange={(changed) => {
        clearErrorsOnChange(form)(changed);
        onDirty(true);
      }}
      onKeyDown={onKeyDown}
      data-testid={`template-form-${item.locale}`}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Typography.Paragraph type="secondary">
        {item.custom && item.updatedAt ? t("isCustom", { at: fmt(item.updatedAt, "YYYY-MM-DD HH:mm") }) : t("isBuiltIn")}
      </Typography.Paragraph>
      {!sms && (
        <Form.Item name="subject" label={t("subject")} required>
          <Input
            ref={(r) => {
              subjectRef.current = r?.input ?? null;
            }}
            maxLength={200}
            onFocus={() => (lastField.current = "subject")}
          />
        </Form.Item>
      )}
      <Form.Item name="body" label={sms ? t("smsBody") : t("emailBody")} required>
        <Input.TextArea ref={bodyRef} rows={sms ? 3 : 8} onFocus={() => (lastField.current = "body")} data-testid="template-body" />
      </Form.Item>
      <Form.Item label={t("variables")}>
        <Space wrap>
          {TEMPLATE_VARIABLES.map((v) => (
            <Tooltip key={v} title={t(`variableHelp.${v}`)}>
              <Button size="small" onMouseDown={(e) => e.preventDefault()} onClick={() => insert(v)} data-testid={`template-var-${v}`}>
                {`{${v}}`}
              </Button>
            </Tooltip>
          ))}
        </Space>
      </Form.Item>
      {sms && (
        <>
          <Space size="middle" style={{ display: "flex" }} align="start">
            <Form.Item name="aliyunTemplateCode" label={t("aliyunTemplateCode")} style={{ minWidth: 240 }}>
              <Input placeholder="SMS_123456789" maxLength={64} />
            </Form.Item>
            <Form.Item name="tencentTemplateId" label={t("tencentTemplateId")} style={{ minWidth: 240 }}>
              <Input placeholder="1234567" maxLength={64} />
            </Form.Item>
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
            {t("providerHelp")}
          </Typography.Paragraph>
        </>
      )}
      <Card size="small" title={t("preview")} style={{ marginBottom: 16 }} data-testid="template-preview">
        {sms ? (
          <Space orientation="vertical" style={{ width: "100%" }}>
            <Typography.Paragraph style={{ whiteSpace: "pre-wrap", margin: 0 }} data-testid="template-preview-text">
              {rendered}
            </Typography.Paragraph>
            <Space>
              <Tag>{t("chars", { n: smsLength(rendered) })}</Tag>
              <Tag color={segments > SMS_MAX_SEGMENTS ? "red" : segments > 1 ? "orange" : "green"} data-testid="template-segments">
                {t("segments", { n: segments })}
              </Tag>
            </Space>
            {segments > SMS_MAX_SEGMENTS ? (
              <Alert type="error" showIcon title={t("tooLong")} />
            ) : (
              segments > 1 && <Alert type="warning" showIcon title={t("multiSegment", { n: segments })} />
            )}
          </Space>
        ) : (
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t("subject")}>
              <span data-testid="template-preview-subject">{renderTemplate(subject ?? "", values)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("emailBody")}>
              <span style={{ whiteSpace: "pre-wrap" }} data-testid="template-preview-text">
                {rendered}
              </span>
            </Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Space>
        <Button type="primary" onClick={save} loading={update.isPending} data-testid={`template-save-${item.locale}`}>
          {c("save")}
        </Button>
        <Popconfirm
          title={t("confirmReset", { locale: t(`locales.${localeKey(item.locale)}`) })}
          onConfirm={() => reset.mutateAsync(key)}
          okText={c("yes")}
          cancelText={c("no")}
          disabled={!item.custom}
        >
          <Button disabled={!item.custom} loading={reset.isPending} data-testid={`template-reset-${item.locale}`}>
            {t("resetDefault")}
          </Button>
        </Popconfirm>
        <Typography.Text type="secondary">{t("saveShortcut")}</Typography.Text>
      </Space>
    </Form>
  );
}
