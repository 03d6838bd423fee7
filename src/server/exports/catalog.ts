/**
 * Exporters for the console's smaller lists (tenants, OAuth clients, API resources, API scopes,
 * identity resources): each reuses its list's own service function, paged by offset.
 */
import type { z } from "zod";
import { clientListInput, type ClientSummary } from "~/lib/validators/client";
import {
  apiResourceListInput,
  apiScopeListInput,
  identityResourceListInput,
  type ApiResourceItem,
  type ApiScopeItem,
  type IdentityResourceItem,
} from "~/lib/validators/api";
import { tenantListInput, type tenantSummary } from "~/lib/validators/tenant";
import { listClients } from "~/server/services/client";
import { listApiResources, listApiScopes, listIdentityResources } from "~/server/services/api-resources";
import { listTenants } from "~/server/services/tenant";
import { systemScope } from "~/server/services/scope";
import { offsetPage, type Column, type Exporter, type Translate } from "~/server/exports/types";
import { identityText, tenantDescription } from "~/lib/seeded-text";

type Named = { id: string; name: string; createdAt: Date };
const yes = (t: Translate, v: boolean) => t(v ? "yes" : "no");
/** Name first, creation time and id last: every export of this catalog reads alike. */
const framed = <R extends Named>(t: Translate, middle: Column<R>[]): Column<R>[] => [
  { header: t("catalog.name"), value: (r) => r.name, width: 24 },
  ...middle,
  { header: t("catalog.createdAt"), value: (r) => r.createdAt, width: 22 },
  { header: "ID", value: (r) => r.id, width: 38 },
];
const words = (xs: readonly string[]) => xs.join(" ");

export const clientsExporter: Exporter<ClientSummary, z.output<typeof clientListInput>> = {
  permission: "uc.client.get",
  filter: clientListInput,
  title: (t) => t("clients.title"),
  columns: (t) =>
    framed(t, [
      { header: "client_id", value: (r) => r.clientId, width: 28 },
      { header: t("catalog.scopes"), value: (r) => words(r.scopes), width: 40 },
      { header: t("clients.grantTypes"), value: (r) => words(r.grantTypes), width: 20 },
      { header: t("clients.tokenLifetime"), value: (r) => r.tokenLifetime, width: 12 },
      { header: t("catalog.enabled"), value: (r) => yes(t, r.enabled), width: 8 },
      { header: t("clients.secrets"), value: (r) => r.secretCount, width: 8 },
    ]),
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listClients(systemScope(db, who), { ...filter, skip, take: t })),
};

export const apiResourcesExporter: Exporter<ApiResourceItem, z.output<typeof apiResourceListInput>> = {
  permission: "uc.apiresource.get",
  filter: apiResourceListInput,
  title: (t) => t("apiResources.title"),
  columns: (t) =>
    framed(t, [
      { header: t("catalog.displayName"), value: (r) => r.displayName, width: 24 },
      { header: t("catalog.scopes"), value: (r) => words(r.scopes), width: 30 },
      { header: t("apiResources.userClaims"), value: (r) => words(r.userClaims), width: 30 },
      { header: t("catalog.enabled"), value: (r) => yes(t, r.enabled), width: 8 },
    ]),
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listApiResources(systemScope(db, who), { ...filter, skip, take: t })),
};

type ScopeText = (r: ApiScopeItem, field: "displayName" | "description") => string | null;
const asWritten: ScopeText = (r, field) => r[field];
/** Display name, description, claims; `text` may show seeded texts in the file's language. */
const scopeColumns = <R extends ApiScopeItem>(t: Translate, text: ScopeText = asWritten): Column<R>[] => [
  { header: t("catalog.displayName"), value: (r) => text(r, "displayName"), width: 24 },
  { header: t("catalog.description"), value: (r) => text(r, "description"), width: 36 },
  { header: t("catalog.claims"), value: (r) => words(r.claims), width: 36 },
];

export const apiScopesExporter: Exporter<ApiScopeItem, z.output<typeof apiScopeListInput>> = {
  permission: "uc.apiscope.get",
  filter: apiScopeListInput,
  title: (t) => t("apiScopes.title"),
  columns: (t) => framed(t, scopeColumns(t)),
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listApiScopes(systemScope(db, who), { ...filter, skip, take: t })),
};

export const identityResourcesExporter: Exporter<IdentityResourceItem, z.output<typeof identityResourceListInput>> = {
  permission: "uc.identityresource.get",
  filter: identityResourceListInput,
  title: (t) => t("identityResources.title"),
  columns: (t, locale) => {
    // A standard identity resource's seeded texts in the file's language, as the console shows them.
    const seeded: ScopeText = (r, field) => identityText(r as IdentityResourceItem, field, r[field], locale);
    return framed(t, [
      ...scopeColumns<IdentityResourceItem>(t, seeded),
      { header: t("identityResources.standard"), value: (r) => yes(t, r.standard), width: 8 },
    ]);
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listIdentityResources(systemScope(db, who), { ...filter, skip, take: t })),
};

type TenantRow = z.infer<typeof tenantSummary>;
export const tenantsExporter: Exporter<TenantRow, z.output<typeof tenantListInput>> = {
  permission: "uc.tenant.get",
  filter: tenantListInput,
  title: (t) => t("tenants.title"),
  columns: (t, locale) =>
    framed(t, [
      { header: t("tenants.status"), value: (r) => t(`tenants.statuses.${r.status}`), width: 10 },
      { header: t("tenants.hosts"), value: (r) => words(r.hosts), width: 36 },
      { header: t("catalog.description"), value: (r) => tenantDescription(r, locale), width: 36 },
    ]),
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listTenants(systemScope(db, who), { ...filter, skip, take: t })),
};
