"use client";

import { useFeedback } from "~/components/feedback";
import { useState } from "react";
import { Alert, Avatar, Button, Empty, Form, Input, InputNumber, Select, Space, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";
import { FormDrawer, useDrawerSave } from "~/components/form-drawer";
import { handleServerError, schemaRule } from "~/components/form-errors";
import { DeleteAction, TagList } from "~/components/list-page";
import { isSafeUrl } from "~/lib/validators/common";
import { PACKAGE_PLATFORMS, packageCreateInput, packageFields, packageUpdateInput, type PackageItem } from "~/lib/validators/api-subscription";
import type { ApiResourceItem } from "~/lib/validators/api";

type Values = {
  name?: string;
  description?: string;
  publisher?: string;
  link?: string;
  icon?: string;
  platform?: PackageItem["platform"];
  language?: string;
  order?: number;
  tags?: string[];
};

const PLATFORM_NAMES: Record<PackageItem["platform"], string> = {
  npm: "npm",
  nuget: "NuGet",
  gradle: "Gradle",
  spm: "Swift Package Manager",
  postman: "Postman",
};

/** The API's package market: its SDKs and collections, as the developer portal lists them. */
export function PackagesTab({ api }: { api: ApiResourceItem }) {
  const t = useTranslations("apiPackage");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [editing, setEditing] = useState<PackageItem | "new" | null>(null);
  const list = useQuery(trpc.apiPackage.list.queryOptions({ id: api.id }));
  const canCreate = useCan("uc.apiresource.postpackages") !== false;
  const canEdit = useCan("uc.apiresource.putpackages") !== false;
  const canDelete = useCan("uc.apiresource.deletepackage") !== false;
  const refresh = () => qc.invalidateQueries(trpc.apiPackage.list.pathFilter());
  const del = useMutation(
    trpc.apiPackage.delete.mutationOptions({
      onSuccess: () => (void message.success(c("deleted")), refresh()),
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {canCreate && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")} data-testid="package-new">
          {t("add")}
        </Button>
      )}
      {list.isError && <Alert type="error" showIcon title={handleServerError(null, list.error)} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t("none")}>{t("noneHint")}</Empty> }}
        scroll={{ x: 800 }}
        columns={[
          {
            title: t("name"),
            key: "name",
            render: (_, r) => (
              <Space>
                {isSafeUrl(r.icon) && <Avatar shape="square" size="small" src={r.icon} alt="" />}
                <Typography.Link href={r.link} target="_blank" rel="noopener noreferrer">
                  {r.name}
                </Typography.Link>
              </Space>
            ),
          },
          { title: t("platform"), dataIndex: "platform", width: 120, render: (v: PackageItem["platform"]) => <Tag>{PLATFORM_NAMES[v]}</Tag> },
          { title: t("language"), dataIndex: "language", width: 120, render: (v: string | null) => v ?? "—" },
          { title: t("publisher"), dataIndex: "publisher", width: 140, render: (v: string | null) => v ?? "—" },
          { title: t("tags"), key: "tags", render: (_, r) => <TagList items={r.tags} /> },
          { title: t("order"), dataIndex: "order", width: 80 },
          {
            title: "",
            key: "actions",
            width: 140,
            fixed: "right",
            render: (_, r) => (
              <Space size={0}>
                {canEdit && (
                  <Button size="small" type="link" onClick={() => setEditing(r)} data-testid={`package-edit-${r.name}`}>
                    {c("edit")}
                  </Button>
                )}
                {canDelete && <DeleteAction name={r.name} onConfirm={() => del.mutateAsync({ id: r.id })} />}
              </Space>
            ),
          },
        ]}
      />
      <PackageDrawer api={api} editing={editing} onClose={() => setEditing(null)} onSaved={refresh} />
    </Space>
  );
}

function PackageDrawer({
  api,
  editing,
  onClose,
  onSaved,
}: {
  api: ApiResourceItem;
  editing: PackageItem | "new" | null;
  onClose: () => void;
  onSaved: () => unknown;
}) {
  const t = useTranslations("apiPackage");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const [form] = Form.useForm<Values>();
  const save = useDrawerSave(form, onSaved, onClose);
  const create = useMutation(trpc.apiPackage.create.mutationOptions(save.mutation));
  const update = useMutation(trpc.apiPackage.update.mutationOptions(save.mutation));
  const record = editing && editing !== "new" ? editing : null;
  const f = packageFields.shape;
  const initialValues: Values = record
    ? {
        ...record,
        description: record.description ?? "",
        publisher: record.publisher ?? "",
        icon: record.icon ?? "",
        language: record.language ?? "",
      }
    : { platform: "npm", order: 0, tags: [] };
  return (
    <FormDrawer<Values>
      key={record?.id ?? (editing ? "new" : "closed")}
      open={!!editing}
      title={record ? t("edit") : t("add")}
      size={560}
      onClose={onClose}
      saveTestId="package-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      onFinish={(v) =>
        record
          ? save.submit(packageUpdateInput, { ...v, id: record.id }, update.mutate)
          : save.submit(packageCreateInput, { ...v, apiResourceId: api.id }, create.mutate)
      }
      initialValues={initialValues}
    >
      <Form.Item name="name" label={t("name")} rules={[schemaRule(f.name, locale, { required: true })]}>
        <Input maxLength={100} data-testid="package-name" />
      </Form.Item>
      <Form.Item name="platform" label={t("platform")} rules={[{ required: true }]}>
        <Select options={PACKAGE_PLATFORMS.map((p) => ({ value: p, label: PLATFORM_NAMES[p] }))} data-testid="package-platform" />
      </Form.Item>
      <Form.Item name="link" label={t("link")} extra={t("linkHint")} rules={[schemaRule(f.link, locale, { required: true })]}>
        <Input maxLength={1000} placeholder="https://" data-testid="package-link" />
      </Form.Item>
      <Form.Item name="description" label={t("description")} rules={[schemaRule(f.description, locale)]}>
        <Input.TextArea rows={3} maxLength={1000} showCount />
      </Form.Item>
      <Form.Item name="publisher" label={t("publisher")} rules={[schemaRule(f.publisher, locale)]}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="language" label={t("language")} extra={t("languageHint")} rules={[schemaRule(f.language, locale)]}>
        <Input maxLength={50} />
      </Form.Item>
      <Form.Item name="icon" label={t("icon")} extra={t("iconHint")} rules={[schemaRule(f.icon, locale)]}>
        <Input maxLength={1000} placeholder="https://" />
      </Form.Item>
      <Form.Item name="tags" label={t("tags")} rules={[schemaRule(f.tags, locale)]}>
        <Select mode="tags" tokenSeparators={[",", " "]} open={false} />
      </Form.Item>
      <Form.Item name="order" label={t("order")} extra={t("orderHint")} rules={[schemaRule(f.order, locale)]}>
        <InputNumber min={0} max={100000} precision={0} />
      </Form.Item>
    </FormDrawer>
  );
}
