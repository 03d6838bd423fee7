import type { z } from "zod";
import { roleListInput, type RoleSummary } from "~/lib/validators/role";
import { listRoles } from "~/server/services/roles";
import { offsetPage, type Exporter } from "~/server/exports/types";

export const rolesExporter: Exporter<RoleSummary, z.output<typeof roleListInput>> = {
  permission: "uc.role.get",
  filter: roleListInput,
  title: (l) => (l === "en" ? "roles" : "角色"),
  columns: (l) => {
    const en = l === "en";
    return [
      { header: en ? "Name" : "名称", value: (r) => r.name, width: 20 },
      { header: en ? "Description" : "描述", value: (r) => r.description, width: 30 },
      { header: en ? "Built-in" : "内置", value: (r) => (r.builtIn ? (en ? "Yes" : "是") : en ? "No" : "否"), width: 8 },
      { header: en ? "Permissions" : "权限", value: (r) => r.permissions.join(" "), width: 50 },
      { header: en ? "Members" : "成员数", value: (r) => r.memberCount, width: 10 },
      { header: en ? "Created" : "创建时间", value: (r) => r.createdAt, width: 22 },
      { header: "ID", value: (r) => r.id, width: 38 },
    ];
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listRoles(db, who, { ...filter, skip, take: t })),
};
