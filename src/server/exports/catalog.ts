/**
 * Exporters for the console's smaller lists (tenants, OAuth clients, API resources, API scopes,
 * identity resources): each reuses its list's own service function, paged by offset.
 */
import type { z } from "zod";
import type { Locale } from "~/lib/errors";
import { clientListInput, type ClientSummary } from "~/lib/validators/client";
import {
  apiResourceListInput, apiScopeListInput, identityResourceListInput,
  type ApiResourceItem, type ApiScopeItem, type IdentityResourceItem,
} from "~/lib/validators/api";
import { tenantListInput, type tenantSummary } from "~/lib/validators/tenant";
import { listClients } from "~/server/services/client";
import { listApiResources, listApiScopes, listIdentityResources } from "~/server/services/api-resources";
import { listTenants } from "~/server/services/tenant";
import { offsetPage, type Column, type Exporter } from "~/server/exports/types";

type Named = { id: string; name: string; createdAt: Date };
const yes = (l: Locale, v: boolean) => (v ? (l === "en" ? "Yes" : "是") : l === "en" ? "No" : "否");
/** Name first, creation time and id last: every export of this catalog reads alike. */
const framed = <R extends Named>(l: Locale, middle: Column<R>[]): Column<R>[] => [
  { header: l === "en" ? "Name" : "名称", value: (r) => r.name, width: 24 },
  ...middle,
  { header: l === "en" ? "Created" : "创建时间", value: (r) => r.createdAt, width: 22 },
  { header: "ID", value: (r) => r.id, width: 38 },
];
const words = (xs: readonly string[]) => xs.join(" ");

export const clientsExporter: Exporter<ClientSummary, z.output<typeof clientListInput>> = {
  permission: "uc.client.get",
  filter: clientListInput,
  title: (l) => (l === "en" ? "oauth-clients" : "OAuth客户端"),
  columns: (l) =>
    framed(l, [
      { header: "client_id", value: (r) => r.clientId, width: 28 },
      { header: l === "en" ? "Scopes" : "范围", value: (r) => words(r.scopes), width: 40 },
      { header: l === "en" ? "Grant types" : "授权类型", value: (r) => words(r.grantTypes), width: 20 },
      { header: l === "en" ? "Token lifetime (s)" : "令牌有效期（秒）", value: (r) => r.tokenLifetime, width: 12 },
      { header: l === "en" ? "Enabled" : "启用", value: (r) => yes(l, r.enabled), width: 8 },
      { header: l === "en" ? "Secrets" : "密钥数", value: (r) => r.secretCount, width: 8 },
    ]),
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listClients(db, who, { ...filter, skip, take: t })),
};

export const apiResourcesExporter: Exporter<ApiResourceItem, z.output<typeof apiResourceListInput>> = {
  permission: "uc.apiresource.get",
  filter: apiResourceListInput,
  title: (l) => (l === "en" ? "api-resources" : "API资源"),
  columns: (l) =>
    framed(l, [
      { header: l === "en" ? "Display name" : "显示名称", value: (r) => r.displayName, width: 24 },
      { header: l === "en" ? "Scopes" : "范围", value: (r) => words(r.scopes), width: 30 },
      { header: l === "en" ? "User claims" : "用户声明", value: (r) => words(r.userClaims), width: 30 },
      { header: l === "en" ? "Enabled" : "启用", value: (r) => yes(l, r.enabled), width: 8 },
    ]),
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listApiResources(db, who, { ...filter, skip, take: t })),
};

const scopeColumns = <R extends ApiScopeItem>(l: Locale): Column<R>[] => [
  { header: l === "en" ? "Display name" : "显示名称", value: (r) => r.displayName, width: 24 },
  { header: l === "en" ? "Description" : "描述", value: (r) => r.description, width: 36 },
  { header: l === "en" ? "Claims" : "声明", value: (r) => words(r.claims), width: 36 },
];

export const apiScopesExporter: Exporter<ApiScopeItem, z.output<typeof apiScopeListInput>> = {
  permission: "uc.apiscope.get",
  filter: apiScopeListInput,
  title: (l) => (l === "en" ? "api-scopes" : "API范围"),
  columns: (l) => framed(l, scopeColumns(l)),
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listApiScopes(db, who, { ...filter, skip, take: t })),
};

export const identityResourcesExporter: Exporter<IdentityResourceItem, z.output<typeof identityResourceListInput>> = {
  permission: "uc.identityresource.get",
  filter: identityResourceListInput,
  title: (l) => (l === "en" ? "identity-resources" : "身份资源"),
  columns: (l) => framed(l, [...scopeColumns<IdentityResourceItem>(l), { header: l === "en" ? "Standard" : "标准", value: (r) => yes(l, r.standard), width: 8 }]),
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listIdentityResources(db, who, { ...filter, skip, take: t })),
};

type TenantRow = z.infer<typeof tenantSummary>;
export const tenantsExporter: Exporter<TenantRow, z.output<typeof tenantListInput>> = {
  permission: "uc.tenant.get",
  filter: tenantListInput,
  title: (l) => (l === "en" ? "tenants" : "租户"),
  columns: (l) =>
    framed(l, [
      { header: l === "en" ? "Status" : "状态", value: (r) => r.status, width: 10 },
      { header: l === "en" ? "Hosts" : "主机名", value: (r) => words(r.hosts), width: 36 },
      { header: l === "en" ? "Description" : "描述", value: (r) => r.description, width: 36 },
    ]),
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listTenants(db, who, { ...filter, skip, take: t })),
};
