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
import { systemScope } from "~/server/services/scope";
import { offsetPage, type Exporter } from "~/server/exports/types";

export const sessionsExporter: Exporter<SessionItem, z.output<typeof sessionListInput>> = {
  permission: "uc.session.get",
  filter: sessionListInput,
  title: (t) => t("sessions.title"),
  columns: (t) => {
    return [
      { header: t("sessions.user"), value: (r) => r.userName, width: 20 },
      { header: t("sessions.site"), value: (r) => r.site, width: 10 },
      { header: t("sessions.method"), value: (r) => r.method, width: 12 },
      { header: t("sessions.state"), value: (r) => r.state, width: 10 },
      { header: "IP", value: (r) => r.ip, width: 16 },
      { header: "User-Agent", value: (r) => r.userAgent, width: 30 },
      { header: t("sessions.device"), value: (r) => r.deviceId, width: 16 },
      { header: t("sessions.browser"), value: (r) => r.agent?.browser ?? null, width: 18 },
      { header: t("sessions.os"), value: (r) => r.agent?.os ?? null, width: 16 },
      {
        header: t("sessions.place"),
        value: (r) => (r.ipPlace?.local ? t("sessions.localNetwork") : [r.ipPlace?.region, r.ipPlace?.isp].filter(Boolean).join(" ") || null),
        width: 24,
      },
      { header: t("sessions.createdAt"), value: (r) => r.createdAt, width: 22 },
      { header: t("sessions.lastSeenAt"), value: (r) => r.lastSeenAt, width: 22 },
      { header: t("sessions.expiresAt"), value: (r) => r.expiresAt, width: 22 },
      { header: t("sessions.tenantId"), value: (r) => r.tenantId, width: 38 },
      { header: "ID", value: (r) => r.id, width: 38 },
    ];
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listSessions(systemScope(db, who), { ...filter, skip, take: t })),
};

export const locksExporter: Exporter<LockItem, z.output<typeof lockListInput>> = {
  permission: "uc.lock.get",
  filter: lockListInput,
  title: (t) => t("locks.title"),
  columns: (t) => {
    return [
      { header: t("locks.user"), value: (r) => r.userName, width: 20 },
      { header: t("locks.until"), value: (r) => r.until, width: 22 },
      { header: t("locks.reason"), value: (r) => r.reason, width: 20 },
      { header: "IP", value: (r) => r.ip, width: 16 },
      { header: t("locks.active"), value: (r) => (r.active ? t("yes") : t("no")), width: 8 },
      { header: t("locks.createdAt"), value: (r) => r.createdAt, width: 22 },
      { header: t("locks.userId"), value: (r) => r.userId, width: 38 },
      { header: t("locks.tenantId"), value: (r) => r.tenantId, width: 38 },
    ];
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listLocks(systemScope(db, who), { ...filter, skip, take: t })),
};

export const outboxExporter: Exporter<OutboxItem, z.output<typeof outboxListInput>> = {
  permission: "uc.outbox.get",
  filter: outboxListInput,
  title: (t) => t("outbox.title"),
  columns: (t) => {
    return [
      { header: t("outbox.createdAt"), value: (r) => r.createdAt, width: 22 },
      { header: t("outbox.channel"), value: (r) => r.channel, width: 8 },
      { header: t("outbox.to"), value: (r) => r.to, width: 26 },
      { header: t("outbox.subject"), value: (r) => r.subject, width: 24 },
      { header: t("outbox.body"), value: (r) => r.body, width: 40 },
      { header: t("outbox.provider"), value: (r) => r.provider, width: 10 },
      { header: t("outbox.status"), value: (r) => r.status, width: 8 },
      { header: t("outbox.error"), value: (r) => r.error, width: 24 },
      { header: t("outbox.tenantId"), value: (r) => r.tenantId, width: 38 },
    ];
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listOutbox(systemScope(db, who), { ...filter, skip, take: t })),
};

export const filesExporter: Exporter<FileItem, z.output<typeof fileListInput>> = {
  permission: "uc.file.get",
  filter: fileListInput,
  title: (t) => t("files.title"),
  columns: (t) => {
    return [
      { header: t("files.name"), value: (r) => r.name, width: 28 },
      { header: t("files.kind"), value: (r) => r.kind, width: 10 },
      { header: t("files.mime"), value: (r) => r.mime, width: 22 },
      { header: t("files.size"), value: (r) => r.size, width: 12 },
      { header: t("files.folder"), value: (r) => r.folder, width: 14 },
      { header: t("files.owner"), value: (r) => r.ownerName ?? r.ownerId ?? r.clientId, width: 20 },
      { header: "SHA-256", value: (r) => r.checksum, width: 30 },
      { header: "URL", value: (r) => r.url, width: 40 },
      { header: t("files.createdAt"), value: (r) => r.createdAt, width: 22 },
      { header: "ID", value: (r) => r.id, width: 38 },
    ];
  },
  page: (db, who, filter, cursor, take) => offsetPage(cursor, take, (skip, t) => listFiles(systemScope(db, who), { ...filter, skip, take: t })),
};
