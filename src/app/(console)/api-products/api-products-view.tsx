"use client";

import { ConsolePage } from "~/components/console-page";
import { useTenantColumn } from "~/components/tenant-column";
import { DateRangeFilter, FilterBar, TextFilter } from "~/components/filter-bar";
import { CodeName, DeleteAction, ListTable, createdAtColumn, useListPage, useRowFeedback } from "~/components/list-page";
import { FormDrawer, useDrawerSave } from "~/components/form-drawer";
import { schemaRule } from "~/components/form-errors";
import { Button, Form, Input, InputNumber, Select, Space, Switch } from "antd";
import { Tag } from "~/components/tag";
import type { TableProps } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { resourceName } from "~/lib/validators/api";
import { PRODUCT_ORDER, apiProductCreateInput, apiProductUpdateInput, type ApiProductItem } from "~/lib/validators/api-product";
import { apiProductsInput } from "./list-input";
import { SubscriptionsDrawer } from "./subscriptions";

export function ApiProductsView() {
  const t = useTranslations("apiProduct");
  const c = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { url, filters, sort } = useListPage({ order: PRODUCT_ORDER, text: ["name"], others: ["start", "end"] });
  const [editing, setEditing] = useState<ApiProductItem | "new" | null>(null);
  const [subscriptionsOf, setSubscriptionsOf] = useState<ApiProductItem | null>(null);
  const input = apiProductsInput(url);
  const list = useQuery(trpc.apiProduct.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const invalidate = () => qc.invalidateQueries(trpc.apiProduct.pathFilter());
  const feedback = useRowFeedback(invalidate);
  const remove = useMutation(trpc.apiProduct.delete.mutationOptions(feedback(c("deleted"))));
  const tenantColumn = useTenantColumn<ApiProductItem>();
  const columns: TableProps<ApiProductItem>["columns"] = [
    {
      title: t("name"),
      dataIndex: "name",
      key: "name",
      sorter: true,
      sortOrder: sort.sortOrder("name"),
      render: (n: string, row) => (
        <Space orientation="vertical" size={0}>
          <CodeName>{n}</CodeName>
          {row.displayName && <span>{row.displayName}</span>}
        </Space>
      ),
    },
    ...tenantColumn,
    {
      title: t("versions"),
      key: "versions",
      render: (_, row) =>
        row.versions.length ? (
          <Space size={[4, 4]} wrap>
            {row.versions.map((v) => (
              <Tag key={v.id} color={v.online ? "blue" : undefined}>{`${v.apiName} ${v.versionName}`}</Tag>
            ))}
          </Space>
        ) : (
          "—"
        ),
    },
    {
      title: t("status"),
      key: "published",
      render: (_, row) => (
        <Space size={4} wrap>
          <Tag color={row.published ? "green" : undefined}>{row.published ? t("published") : t("draft")}</Tag>
          {row.approvalRequired && <Tag color="orange">{t("approval")}</Tag>}
        </Space>
      ),
    },
    { title: t("requestLimit"), key: "limit", render: (_, row) => (row.requestLimit ? t("perMinute", { n: row.requestLimit }) : t("unlimited")) },
    createdAtColumn(c("createdAt"), sort),
    {
      title: c("actions"),
      key: "actions",
      render: (_, row) => (
        <Space size="small">
          <Button size="small" type="link" onClick={() => setEditing(row)}>
            {c("edit")}
          </Button>
          <Button size="small" type="link" onClick={() => setSubscriptionsOf(row)} data-testid="apiproduct-subscriptions">
            {t("subscriptions")}
          </Button>
          <DeleteAction name={row.name} onConfirm={() => remove.mutateAsync({ id: row.id })} />
        </Space>
      ),
    },
  ];
  return (
    <ConsolePage
      title={t("title")}
      intro={t("intro")}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")} data-testid="apiproduct-new">
          {t("new")}
        </Button>
      }
    >
      <FilterBar filters={filters}>
        <TextFilter filters={filters} name="name" label={t("filterName")} width={200} />
        <DateRangeFilter filters={filters} />
      </FilterBar>
      <ListTable url={url} list={list} columns={columns} emptyTitle={t("emptyTitle")} emptyHint={t("emptyHint")} />
      <ProductDrawer
        key={`${editing === null ? "closed" : editing === "new" ? "new" : editing.id}-${locale}`}
        item={editing}
        onClose={() => setEditing(null)}
        onSaved={invalidate}
      />
      <SubscriptionsDrawer product={subscriptionsOf} onClose={() => setSubscriptionsOf(null)} />
    </ConsolePage>
  );
}

interface FormValues {
  name?: string;
  displayName?: string;
  description?: string;
  published?: boolean;
  approvalRequired?: boolean;
  requestLimit?: number | null;
  versionIds?: string[];
}

function ProductDrawer({ item, onClose, onSaved }: { item: ApiProductItem | "new" | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("apiProduct");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const trpc = useTRPC();
  const [form] = Form.useForm<FormValues>();
  const save = useDrawerSave(form, onSaved, onClose);
  const existing = item && item !== "new" ? item : null;
  const options = useQuery({ ...trpc.apiProduct.versionOptions.queryOptions({ tenantId: existing?.tenantId }), enabled: item !== null });
  const create = useMutation(trpc.apiProduct.create.mutationOptions(save.mutation));
  const update = useMutation(trpc.apiProduct.update.mutationOptions(save.mutation));
  function submit(v: FormValues) {
    const payload = {
      ...v,
      name: v.name ?? "",
      versionIds: v.versionIds ?? [],
      requestLimit: v.requestLimit ?? null,
      published: !!v.published,
      approvalRequired: !!v.approvalRequired,
    };
    if (existing) save.submit(apiProductUpdateInput, { ...payload, id: existing.id }, update.mutate);
    else save.submit(apiProductCreateInput, payload, create.mutate);
  }
  return (
    <FormDrawer<FormValues>
      open={item !== null}
      title={existing ? t("editTitle", { name: existing.name }) : t("new")}
      size={560}
      onClose={onClose}
      saveTestId="apiproduct-save"
      form={form}
      saving={create.isPending || update.isPending}
      error={save.error}
      onFinish={submit}
      initialValues={
        existing
          ? { ...existing, displayName: existing.displayName ?? undefined, description: existing.description ?? undefined }
          : { published: false, approvalRequired: false, versionIds: [] }
      }
    >
      <Form.Item name="name" label={t("name")} extra={t("nameHelp")} rules={[schemaRule(resourceName, locale, { required: true })]}>
        <Input maxLength={100} showCount data-testid="apiproduct-name" />
      </Form.Item>
      <Form.Item name="displayName" label={t("displayName")}>
        <Input maxLength={100} showCount />
      </Form.Item>
      <Form.Item name="description" label={t("description")}>
        <Input.TextArea rows={3} maxLength={1000} showCount />
      </Form.Item>
      <Form.Item name="versionIds" label={t("versions")} extra={options.data && !options.data.length ? t("noVersions") : t("versionsHelp")}>
        <Select
          mode="multiple"
          allowClear
          loading={options.isLoading}
          data-testid="apiproduct-versions"
          optionFilterProp="label"
          options={options.data?.map((v) => ({ value: v.id, label: `${v.apiName} ${v.versionName}${v.online ? "" : ` (${t("notOnline")})`}` }))}
        />
      </Form.Item>
      <Form.Item name="requestLimit" label={t("requestLimit")} extra={t("requestLimitHelp")}>
        <InputNumber min={1} max={1_000_000} precision={0} style={{ width: 200 }} addonAfter={t("perMinuteUnit")} />
      </Form.Item>
      <Form.Item name="approvalRequired" label={t("approvalRequired")} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item name="published" label={t("publishedLabel")} extra={t("publishedHelp")} valuePropName="checked">
        <Switch data-testid="apiproduct-published" />
      </Form.Item>
    </FormDrawer>
  );
}
