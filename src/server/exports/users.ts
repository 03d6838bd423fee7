import type { z } from "zod";
import { userListInput, type UserItem } from "~/lib/validators/user";
import { listUsers } from "~/server/services/user";
import { systemScope } from "~/server/services/scope";
import type { Exporter } from "~/server/exports/types";

/** The users list with the table's filter, walked by its keyset cursor (fast at any depth). */
export const usersExporter: Exporter<UserItem, z.output<typeof userListInput>> = {
  permission: "uc.user.get",
  filter: userListInput,
  title: (t) => t("users.title"),
  columns: (t) => {
    const status = { active: t("users.active"), disabled: t("users.disabled") };
    return [
      { header: t("users.userName"), value: (r) => r.userName, width: 20 },
      { header: t("users.nickname"), value: (r) => r.nickname, width: 20 },
      { header: t("users.phone"), value: (r) => r.phone, width: 18 },
      { header: t("users.email"), value: (r) => r.email, width: 28 },
      { header: t("users.status"), value: (r) => status[r.status], width: 10 },
      { header: t("users.roles"), value: (r) => r.roles.map((x) => x.name).join(" "), width: 24 },
      { header: t("users.createdAt"), value: (r) => r.createdAt, width: 22 },
      { header: "ID", value: (r) => r.id, width: 38 },
    ];
  },
  page: async (db, who, filter, cursor, take) => {
    // Counted on the first page only (the worker reads the total once).
    const r = await listUsers(systemScope(db, who), { ...filter, cursor: cursor ?? undefined, skip: 0, take }, { count: cursor === null });
    return { total: r.estimatedTotal ?? r.total, items: r.items, next: r.nextCursor };
  },
};
