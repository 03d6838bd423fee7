import type { z } from "zod";
import { roleListInput, type RoleSummary } from "~/lib/validators/role";
import { listRoles } from "~/server/services/roles";
import { roleDescription, roleLabel } from "~/lib/seeded-text";
import { systemScope } from "~/server/services/scope";
import { offsetPage, type Exporter } from "~/server/exports/types";

export const rolesExporter: Exporter<RoleSummary, z.output<typeof roleListInput>> = {
  permission: "uc.role.get",
  filter: roleListInput,
  title: (t) => t("roles.title"),
  columns: (t, locale) => {
    const [yes, no] = [t("yes"), t("no")];
    return [
      { header: t("roles.name"), value: (r) => roleLabel(r, locale), width: 20 },
      { header: t("roles.description"), value: (r) => roleDescription(r, locale), width: 30 },
      { header: t("roles.builtIn"), value: (r) => (r.builtIn ? yes : no), width: 8 },
      { header: t("roles.permissions"), value: (r) => r.permissions.join(" "), width: 50 },
      { header: t("roles.members"), value: (r) => r.memberCount, width: 10 },
      { header: t("roles.createdAt"), value: (r) => r.createdAt, width: 22 },
      { header: "ID", value: (r) => r.id, width: 38 },
    ];
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listRoles(systemScope(db, who), { ...filter, skip, take: t })),
};
