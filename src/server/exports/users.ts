import type { z } from "zod";
import { userListInput } from "~/lib/validators/user";
import { listUsersForExport, type UserExportRow } from "~/server/services/user";
import { systemScope } from "~/server/services/scope";
import { seededNickname } from "~/lib/seeded-text";
import type { Exporter } from "~/server/exports/types";

/**
 * The users list with the table's filter, walked by its keyset cursor (fast at any depth). The
 * pages come from the list's own query with just the exported columns (listUsersForExport).
 */
export const usersExporter: Exporter<UserExportRow, z.output<typeof userListInput>> = {
  permission: "uc.user.get",
  filter: userListInput,
  title: (t) => t("users.title"),
  columns: (t, locale) => {
    const status = { active: t("users.active"), disabled: t("users.disabled") };
    return [
      { header: t("users.userName"), value: (r) => r.userName, width: 20 },
      { header: t("users.nickname"), value: (r) => seededNickname(r.nickname, locale), width: 20 },
      { header: t("users.phone"), value: (r) => r.phone, width: 18 },
      { header: t("users.email"), value: (r) => r.email, width: 28 },
      { header: t("users.status"), value: (r) => status[r.status], width: 10 },
      { header: t("users.roles"), value: (r) => (r.roles.length === 1 ? r.roles[0] : r.roles.join(" ")), width: 24 },
      { header: t("users.createdAt"), value: (r) => r.createdAt, width: 22 },
      { header: "ID", value: (r) => r.id, width: 38 },
    ];
  },
  page: async (db, who, filter, cursor, take) => {
    // Counted on the first page only (the worker reads the total once).
    const r = await listUsersForExport(systemScope(db, who), filter, cursor, take);
    return { total: r.total ?? 0, items: r.rows, next: r.nextCursor };
  },
};
