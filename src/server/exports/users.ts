import type { z } from "zod";
import { userListInput, type UserItem } from "~/lib/validators/user";
import { listUsers } from "~/server/services/user";
import type { Exporter } from "~/server/exports/types";

/** The users list with the table's filter, walked by its keyset cursor (fast at any depth). */
export const usersExporter: Exporter<UserItem, z.output<typeof userListInput>> = {
  permission: "uc.user.get",
  filter: userListInput,
  title: (l) => (l === "en" ? "users" : "用户"),
  columns: (l) => {
    const en = l === "en";
    return [
      { header: en ? "User name" : "用户名", value: (r) => r.userName, width: 20 },
      { header: en ? "Nickname" : "昵称", value: (r) => r.nickname, width: 20 },
      { header: en ? "Phone" : "手机号", value: (r) => r.phone, width: 18 },
      { header: en ? "Email" : "邮箱", value: (r) => r.email, width: 28 },
      { header: en ? "Status" : "状态", value: (r) => (r.status === "active" ? (en ? "Active" : "正常") : en ? "Disabled" : "停用"), width: 10 },
      { header: en ? "Roles" : "角色", value: (r) => r.roles.map((x) => x.name).join(" "), width: 24 },
      { header: en ? "Created" : "创建时间", value: (r) => r.createdAt, width: 22 },
      { header: "ID", value: (r) => r.id, width: 38 },
    ];
  },
  page: async (db, who, filter, cursor, take) => {
    const r = await listUsers(db, { actor: who }, { ...filter, cursor: cursor ?? undefined, skip: 0, take });
    return { total: r.estimatedTotal ?? r.total, items: r.items, next: r.nextCursor };
  },
};
