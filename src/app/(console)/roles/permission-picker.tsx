"use client";

import { Checkbox, Empty, Input, Space, Typography } from "antd";
import { Tag } from "~/components/tag";
import { useLocale, useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { PERMISSIONS, PERMISSION_PREFIX, RESOURCE_NAMES, type PermissionResource } from "~/lib/permissions";
import { isTenantGrantable } from "~/lib/permission-scope";

const ALL = `${PERMISSION_PREFIX}.all`;
const wildcard = (r: string) => `${PERMISSION_PREFIX}.${r}.all`;
const RESOURCES = [...new Set(PERMISSIONS.map((p) => p.resource))];

/**
 * The registry grouped by resource, in both languages, with a per-resource "all" (the
 * `uc.<resource>.all` wildcard). Tenant administrators see platform-only codes greyed out.
 * Codes the value holds that are not in the registry stay in the value untouched.
 */
export function PermissionPicker({
  value = [],
  onChange,
  disabled,
  isOperator,
  id,
}: {
  value?: string[];
  onChange?: (v: string[]) => void;
  disabled?: boolean;
  isOperator: boolean;
  id?: string;
}) {
  const t = useTranslations("role");
  const en = useLocale() === "en";
  const [q, setQ] = useState("");
  const held = new Set(value);
  const everything = held.has(ALL);
  const can = (code: string) => isOperator || isTenantGrantable(code);

  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return RESOURCES.map((resource) => {
      const names = RESOURCE_NAMES[resource as PermissionResource];
      const resourceHit = !needle || [names.zh, names.en, resource].some((s) => s.toLowerCase().includes(needle));
      const codes = PERMISSIONS.filter(
        (p) => p.resource === resource && (resourceHit || [p.code, p.nameZh, p.nameEn].some((s) => s.toLowerCase().includes(needle))),
      );
      return { resource, names, codes };
    }).filter((g) => g.codes.length);
  }, [q]);

  const set = (next: Set<string>) => onChange?.([...next]);
  const toggle = (code: string, on: boolean) => {
    const next = new Set(held);
    if (on) next.add(code);
    else next.delete(code);
    set(next);
  };
  const toggleResource = (resource: string, on: boolean) => {
    const next = new Set(held);
    // The wildcard replaces the single codes it covers.
    for (const p of PERMISSIONS) if (p.resource === resource) next.delete(p.code);
    if (on) next.add(wildcard(resource));
    else next.delete(wildcard(resource));
    set(next);
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }} id={id}>
      <Space wrap style={{ justifyContent: "space-between", width: "100%" }}>
        <Input.Search
          aria-label={t("pickerSearch")}
          placeholder={t("pickerSearch")}
          allowClear
          value={q}
          onChange={(e) => setQ(e.target.value)}
          style={{ width: 320 }}
          data-testid="permission-search"
        />
        <Typography.Text type="secondary">{t("selectedCount", { count: value.length })}</Typography.Text>
      </Space>
      {isOperator && (
        <Checkbox checked={everything} disabled={disabled} onChange={(e) => toggle(ALL, e.target.checked)}>
          <Typography.Text strong>{t("allEverything")}</Typography.Text> <Tag color="red">{t("platformOnly")}</Tag>
        </Checkbox>
      )}
      {groups.length === 0 && <Empty description={t("noMatch")} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      {groups.map(({ resource, names, codes }) => {
        const wild = held.has(wildcard(resource));
        const wildAllowed = can(wildcard(resource));
        const covered = everything || wild;
        const all = PERMISSIONS.filter((p) => p.resource === resource);
        const some = all.some((p) => held.has(p.code));
        const every = all.every((p) => held.has(p.code));
        return (
          <div key={resource} style={{ border: "1px solid rgba(5,5,5,0.08)", borderRadius: 8, padding: "8px 12px" }} data-testid={`perm-group-${resource}`}>
            <div style={{ display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap" }}>
              <Typography.Text strong style={{ minWidth: 120 }}>
                {en ? names.en : names.zh}
                <Typography.Text type="secondary" style={{ fontWeight: "normal", marginInlineStart: 6 }}>
                  {en ? names.zh : names.en}
                </Typography.Text>
              </Typography.Text>
              <Checkbox
                checked={covered || every}
                indeterminate={!covered && !every && some}
                disabled={disabled || everything || (!wildAllowed && !wild)}
                onChange={(e) => toggleResource(resource, e.target.checked)}
                data-testid={`perm-all-${resource}`}
              >
                {t("allOf")} <Typography.Text code>{wildcard(resource)}</Typography.Text>
              </Checkbox>
              {!wildAllowed && !isOperator && <Tag>{t("platformOnly")}</Tag>}
            </div>
            <div style={{ display: "flex", flexWrap: "wrap", gap: "4px 16px", marginTop: 6 }}>
              {codes.map((p) => {
                const allowed = can(p.code);
                return (
                  <Checkbox
                    key={p.code}
                    checked={covered || held.has(p.code)}
                    disabled={disabled || covered || (!allowed && !held.has(p.code))}
                    onChange={(e) => toggle(p.code, e.target.checked)}
                    data-testid={`perm-${p.code}`}
                  >
                    <span title={p.code}>
                      {en ? p.nameEn : p.nameZh}{" "}
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {p.code}
                      </Typography.Text>
                    </span>
                    {!allowed && (
                      <Tag style={{ marginInlineStart: 4 }} color="default">
                        {t("platformOnly")}
                      </Tag>
                    )}
                  </Checkbox>
                );
              })}
            </div>
          </div>
        );
      })}
    </Space>
  );
}
