/**
 * Exporters: resource → what it takes to export that list. Each reuses its list's own query
 * (the same filter logic the table uses) and only adds columns and a page walker.
 * Adding one is a small file (see audit.ts, roles.ts): an `Exporter`, listed in EXPORTERS below.
 */
import { auditExporter } from "~/server/exports/audit";
import { rolesExporter } from "~/server/exports/roles";
import { usersExporter } from "~/server/exports/users";
import { apiResourcesExporter, apiScopesExporter, clientsExporter, identityResourcesExporter, tenantsExporter } from "~/server/exports/catalog";
import { filesExporter, locksExporter, outboxExporter, sessionsExporter } from "~/server/exports/activity";
import type { Exporter } from "~/server/exports/types";

export type { Cell, Column, Exporter, ExportWho, Page } from "~/server/exports/types";

export const EXPORTERS = {
  audit: auditExporter,
  roles: rolesExporter,
  users: usersExporter,
  clients: clientsExporter,
  apiResources: apiResourcesExporter,
  apiScopes: apiScopesExporter,
  identityResources: identityResourcesExporter,
  tenants: tenantsExporter,
  sessions: sessionsExporter,
  locks: locksExporter,
  outbox: outboxExporter,
  files: filesExporter,
} as const;

export type ExportResource = keyof typeof EXPORTERS;

/** Each exporter is typed by its own row and filter; the worker only needs the common shape. */
export function exporterFor(resource: string): Exporter | null {
  return Object.hasOwn(EXPORTERS, resource) ? (EXPORTERS[resource as ExportResource] as unknown as Exporter) : null;
}

/** Filter fields that belong to the table, not to the data. */
export const PAGING_KEYS = ["skip", "take", "cursor"] as const;
