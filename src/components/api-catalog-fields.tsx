"use client";

import { Form, Input, Select } from "antd";
import { useTranslations } from "next-intl";

/** The API catalog's message namespaces: each has name, nameHelp, displayName, description, claims and claimsHelp. */
type CatalogNamespace = "apiResource" | "apiScope" | "identityResource";

/** What API resources, API scopes and identity resources are all named and described by, as form values. */
export const catalogNameValues = (r: { name: string; displayName: string | null; description: string | null }) => ({
  name: r.name,
  displayName: r.displayName ?? "",
  description: r.description ?? "",
});

/** The name (fixed when `nameLocked`), display name and description fields of an API catalog entry's form. */
export function CatalogNameFields({ ns, nameLocked }: { ns: CatalogNamespace; nameLocked?: boolean }) {
  const t = useTranslations(ns);
  return (
    <>
      <Form.Item name="name" label={t("name")} extra={t("nameHelp")} required>
        <Input maxLength={100} showCount autoFocus disabled={nameLocked} />
      </Form.Item>
      <Form.Item name="displayName" label={t("displayName")}>
        <Input maxLength={100} showCount />
      </Form.Item>
      <Form.Item name="description" label={t("description")}>
        <Input.TextArea rows={2} maxLength={500} showCount />
      </Form.Item>
    </>
  );
}

/** The user claims an API catalog entry asks for: free words, typed and split on space or comma. */
export function CatalogClaimsField({ ns, name }: { ns: CatalogNamespace; name: string }) {
  const t = useTranslations(ns);
  return (
    <Form.Item name={name} label={t("claims")} extra={t("claimsHelp")}>
      <Select mode="tags" tokenSeparators={[" ", ","]} open={false} suffixIcon={null} aria-label={t("claims")} />
    </Form.Item>
  );
}
