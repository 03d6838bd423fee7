/**
 * Exporters for the activity lists (login sessions, account locks, the development outbox) and
 * the file library: each reuses its list's own service function, paged by offset.
 */
import type { z } from "zod";
import { sessionListInput, type SessionItem } from "~/lib/validators/session";
import { lockListInput, type LockItem } from "~/lib/validators/lock";
import { outboxListInput, type OutboxItem } from "~/lib/validators/outbox";
import { fileListInput, type FileItem } from "~/lib/validators/file";
import { listSessions } from "~/server/services/login-sessions";
import { listLocks } from "~/server/services/locks";
import { listOutbox } from "~/server/services/outbox";
import { listFiles } from "~/server/services/files";
import { offsetPage, type Exporter } from "~/server/exports/types";

export const sessionsExporter: Exporter<SessionItem, z.output<typeof sessionListInput>> = {
  permission: "uc.session.get",
  filter: sessionListInput,
  title: (l) => (l === "en" ? "login-sessions" : "登录会话"),
  columns: (l) => {
    const en = l === "en";
    return [
      { header: en ? "User" : "用户", value: (r) => r.userName, width: 20 },
      { header: en ? "Site" : "站点", value: (r) => r.site, width: 10 },
      { header: en ? "Method" : "方式", value: (r) => r.method, width: 12 },
      { header: en ? "State" : "状态", value: (r) => r.state, width: 10 },
      { header: "IP", value: (r) => r.ip, width: 16 },
      { header: "User-Agent", value: (r) => r.userAgent, width: 30 },
      { header: en ? "Device" : "设备", value: (r) => r.deviceId, width: 16 },
      { header: en ? "Created" : "创建时间", value: (r) => r.createdAt, width: 22 },
      { header: en ? "Last seen" : "最近活动", value: (r) => r.lastSeenAt, width: 22 },
      { header: en ? "Expires" : "过期时间", value: (r) => r.expiresAt, width: 22 },
      { header: en ? "Tenant ID" : "租户 ID", value: (r) => r.tenantId, width: 38 },
      { header: "ID", value: (r) => r.id, width: 38 },
    ];
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listSessions(db, { ...who, sessionId: "" }, { ...filter, skip, take: t })),
};

export const locksExporter: Exporter<LockItem, z.output<typeof lockListInput>> = {
  permission: "uc.lock.get",
  filter: lockListInput,
  title: (l) => (l === "en" ? "account-locks" : "账号锁定"),
  columns: (l) => {
    const en = l === "en";
    return [
      { header: en ? "User" : "用户", value: (r) => r.userName, width: 20 },
      { header: en ? "Until" : "锁定至", value: (r) => r.until, width: 22 },
      { header: en ? "Reason" : "原因", value: (r) => r.reason, width: 20 },
      { header: "IP", value: (r) => r.ip, width: 16 },
      { header: en ? "Active" : "生效中", value: (r) => (r.active ? (en ? "Yes" : "是") : en ? "No" : "否"), width: 8 },
      { header: en ? "Created" : "创建时间", value: (r) => r.createdAt, width: 22 },
      { header: en ? "User ID" : "用户 ID", value: (r) => r.userId, width: 38 },
      { header: en ? "Tenant ID" : "租户 ID", value: (r) => r.tenantId, width: 38 },
    ];
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listLocks(db, who, { ...filter, skip, take: t })),
};

export const outboxExporter: Exporter<OutboxItem, z.output<typeof outboxListInput>> = {
  permission: "uc.outbox.get",
  filter: outboxListInput,
  title: (l) => (l === "en" ? "outbox" : "开发发件箱"),
  columns: (l) => {
    const en = l === "en";
    return [
      { header: en ? "Time" : "时间", value: (r) => r.createdAt, width: 22 },
      { header: en ? "Channel" : "渠道", value: (r) => r.channel, width: 8 },
      { header: en ? "To" : "收件人", value: (r) => r.to, width: 26 },
      { header: en ? "Subject" : "主题", value: (r) => r.subject, width: 24 },
      { header: en ? "Body" : "内容", value: (r) => r.body, width: 40 },
      { header: en ? "Provider" : "服务商", value: (r) => r.provider, width: 10 },
      { header: en ? "Status" : "状态", value: (r) => r.status, width: 8 },
      { header: en ? "Error" : "错误", value: (r) => r.error, width: 24 },
      { header: en ? "Tenant ID" : "租户 ID", value: (r) => r.tenantId, width: 38 },
    ];
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listOutbox(db, who, { ...filter, skip, take: t })),
};

export const filesExporter: Exporter<FileItem, z.output<typeof fileListInput>> = {
  permission: "uc.file.get",
  filter: fileListInput,
  title: (l) => (l === "en" ? "files" : "文件"),
  columns: (l) => {
    const en = l === "en";
    return [
      { header: en ? "Name" : "文件名", value: (r) => r.name, width: 28 },
      { header: en ? "Kind" : "类别", value: (r) => r.kind, width: 10 },
      { header: en ? "Type" : "类型", value: (r) => r.mime, width: 22 },
      { header: en ? "Size (bytes)" : "大小（字节）", value: (r) => r.size, width: 12 },
      { header: en ? "Folder" : "文件夹", value: (r) => r.folder, width: 14 },
      { header: en ? "Owner" : "上传者", value: (r) => r.ownerName ?? r.ownerId ?? r.clientId, width: 20 },
      { header: "SHA-256", value: (r) => r.checksum, width: 30 },
      { header: "URL", value: (r) => r.url, width: 40 },
      { header: en ? "Created" : "上传时间", value: (r) => r.createdAt, width: 22 },
      { header: "ID", value: (r) => r.id, width: 38 },
    ];
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listFiles(db, who, { ...filter, skip, take: t })),
};
