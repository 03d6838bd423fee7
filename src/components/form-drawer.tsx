"use client";

import { useFeedback } from "~/components/feedback";
import { useEffect, useState, type CSSProperties, type ReactNode } from "react";
import { Alert, Button, Drawer, Form, Skeleton, Space } from "antd";
import type { FormInstance, FormListFieldData } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { useLocale, useTranslations } from "next-intl";
import type { z } from "zod";
import { clearErrorsOnChange, handleServerError, parseForm } from "~/components/form-errors";

/**
 * Saving a create/edit drawer's form. `submit` validates with the procedure's own schema and
 * calls its mutation; `fail` (a mutation's onError) shows the server's message above the form and
 * marks its field errors; `done` (onSuccess) toasts, refreshes the list and closes. `mutation`
 * is the two as a mutation's options.
 */
export function useDrawerSave(form: FormInstance, onSaved: () => unknown, onClose: () => void) {
  const c = useTranslations("common");
  const locale = useLocale() === "en" ? "en" : "zh-CN";
  const { message } = useFeedback();
  const [error, setError] = useState<string | null>(null);
  const done = () => {
    void message.success(c("saved"));
    void onSaved();
    onClose();
  };
  const fail = (e: unknown) => setError(handleServerError(form, e));
  return {
    error,
    done,
    fail,
    mutation: { onSuccess: done, onError: fail },
    submit: <S extends z.ZodType>(schema: S, values: unknown, mutate: (input: z.output<S>) => void) => {
      setError(null);
      const parsed = parseForm(form, schema, values, locale, (messages) => setError(messages.join(" ")));
      if (parsed) mutate(parsed);
    },
  };
}

/** The edited record's `id`: null when the drawer is closed or creates one ("new"). */
export const editedId = (id: string | "new" | null) => (id !== null && id !== "new" ? id : null);

/** Fills the form with the edited record once it has loaded. */
export function useFillForm<D, V>(form: FormInstance<V>, record: D | undefined, toForm: (record: D) => V) {
  useEffect(() => {
    if (record) form.setFieldsValue(toForm(record) as Parameters<typeof form.setFieldsValue>[0]);
  }, [record, form, toForm]);
}

/**
 * A list's create/edit drawer: Cancel and Save in its header, a skeleton or the error while the
 * edited record loads (`loading`), else a vertical form with the last save error above the fields.
 * A field's errors (the schema's or the server's) go as soon as it is edited.
 */
export function FormDrawer<V>({
  open,
  title,
  size,
  onClose,
  saveTestId,
  form,
  saving,
  error,
  loading,
  onFinish,
  initialValues,
  children,
}: {
  open: boolean;
  title: ReactNode;
  size: number;
  onClose: () => void;
  saveTestId: string;
  form: FormInstance<V>;
  saving: boolean;
  error: string | null;
  loading?: { isLoading: boolean; isError: boolean; error: unknown };
  onFinish: (values: V) => void;
  initialValues: Partial<V>;
  children: ReactNode;
}) {
  const c = useTranslations("common");
  return (
    <Drawer
      open={open}
      title={title}
      size={size}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{c("cancel")}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid={saveTestId}>
            {c("save")}
          </Button>
        </Space>
      }
    >
      {loading?.isLoading ? (
        <Skeleton active />
      ) : loading?.isError ? (
        <Alert type="error" showIcon title={handleServerError(null, loading.error)} />
      ) : (
        <Form<V> form={form} layout="vertical" onFinish={onFinish} onValuesChange={clearErrorsOnChange(form)} disabled={saving} initialValues={initialValues}>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
          {children}
        </Form>
      )}
    </Drawer>
  );
}

/** A Form.List edited as rows: each row's fields and a remove icon, then a dashed button that adds `newRow`. */
export function FormRows({
  name,
  newRow,
  addLabel,
  style,
  children,
}: {
  name: string;
  newRow: unknown;
  addLabel: ReactNode;
  style?: CSSProperties;
  children: (field: FormListFieldData) => ReactNode;
}) {
  const c = useTranslations("common");
  return (
    <Form.List name={name}>
      {(fields, { add, remove }) => (
        <div style={style}>
          {fields.map((f) => (
            <Space key={f.key} align="baseline" style={{ display: "flex" }}>
              {children(f)}
              <MinusCircleOutlined aria-label={c("remove")} onClick={() => remove(f.name)} />
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(newRow)}>
            {addLabel}
          </Button>
        </div>
      )}
    </Form.List>
  );
}
