import { mkdtempSync } from "node:fs";
import { mkdir, readdir, readFile, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import ExcelJS from "exceljs";
import { buildWorld, failure } from "~/test/fixtures";
import { createTestDb } from "~/test/db";
import { createPrismaClient } from "~/server/db-client";
import { claimExportJob, drainExportJobs, runExportJob } from "~/server/exports/worker";
import { contentDisposition, downloadExport } from "~/server/exports/service";
import { csvField } from "~/server/exports/files";
import { EXPORT_KEY_RE, exportPath, exportsRoot } from "~/server/exports/store";
import type { PrismaClient } from "~/generated/prisma/client";
import { ensureStandardIdentityResources } from "~/server/services/api-resources";
import { rolesExporter } from "~/server/exports/roles";
import { runHousekeeping } from "~/server/jobs/housekeeping";
import { BUILT_IN_ROLES } from "~/lib/permissions";
import { STANDARD_IDENTITY_RESOURCES } from "~/lib/validators/api";

process.env.UC_EXPORT_WORKER = "off"; // tests drive the worker by hand
// Export files go to a directory of this file's own.
process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "uc-exports-"));

const t = {} as { db: PrismaClient; kind: "postgresql" | "pglite"; url?: string; cleanup: () => Promise<void> };
let w: Awaited<ReturnType<typeof buildWorld>>;
afterAll(() => t.cleanup?.());
beforeAll(async () => {
  Object.assign(t, await createTestDb());
  w = await buildWorld(t.db);
  // 57 audit rows in tenant B, some with characters that need quoting or guarding.
  await t.db.auditLog.createMany({
    data: Array.from({ length: 57 }, (_, i) => ({
      tenantId: w.tenantB.id,
      actorId: i % 3 ? w.managerB.id : w.plainB.id,
      action: i % 2 ? "role.update" : "user.update",
      recordId: i === 5 ? '=HYPERLINK("http://evil")' : `rec-${i}`,
      after: { note: `line "${i}",\nnext` },
      createdAt: new Date(Date.UTC(2026, 2, 1, 0, i)),
    })),
  });
  // Noise in another tenant that must not leak into tenant B's export.
  await t.db.auditLog.createMany({ data: [{ tenantId: w.platform.id, actorId: w.operator.id, action: "role.update", recordId: "platform" }] });
});

/** An export's Job row, its input and result spread out (what the old ExportJob columns held). */
async function exportRow(id: string, db: PrismaClient = t.db) {
  const row = await db.job.findUniqueOrThrow({ where: { id } });
  expect(row.kind).toBe("export");
  const input = row.input as { resource: string; format: string; locale: string; filter: Record<string, unknown> };
  const result = (row.result ?? {}) as { fileName?: string; fileKey?: string; size?: number };
  return { ...row, ...input, fileName: result.fileName ?? null, fileKey: result.fileKey ?? null, size: result.size ?? null };
}

/** The finished file of a job, read from the export store by the key in its result. */
async function fileOf(id: string): Promise<Buffer> {
  const row = await exportRow(id);
  expect(row.fileKey).toMatch(EXPORT_KEY_RE);
  const bytes = await readFile(exportPath(row.fileKey!));
  expect(Number(row.size)).toBe(bytes.length);
  return bytes;
}

/** A minimal RFC 4180 reader, to check what we write. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

async function xlsxRows(buf: Uint8Array): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(buf) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const out: unknown[][] = [];
  ws.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
  return out;
}

describe("export jobs", () => {
  it("exports the audit log with the list's filter to CSV and XLSX, with progress going up", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const filter = { resource: "role", startTime: new Date(Date.UTC(2026, 2, 1)), endTime: new Date(Date.UTC(2026, 2, 2)), skip: 20, take: 10 };
    const listed = await admin.audit.list({ ...filter, skip: 0, take: 100 });
    expect(listed.total).toBe(28);

    const csvJob = await admin.export.create({ resource: "audit", format: "csv", filter });
    expect(csvJob.status).toBe("queued");
    const progress: number[] = [];
    await drainExportJobs(t.db, {
      batchSize: 10,
      progressEveryMs: 0,
      onBatch: async (id) => {
        progress.push((await exportRow(id)).done);
      },
    });
    expect(progress).toEqual([10, 20, 28]);
    const csvDone = await admin.export.get({ id: csvJob.id });
    expect(csvDone).toMatchObject({ status: "done", done: 28, total: 28, format: "csv" });
    expect(csvDone.fileName).toMatch(/^审计日志-\d{8}\.csv$/);
    expect(csvDone.size).toBeGreaterThan(100);

    const csv = await fileOf(csvJob.id);
    expect([...csv.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(Buffer.from(csv).toString("utf8").slice(1));
    expect(rows[0]![0]).toBe("时间");
    expect(rows.length - 1).toBe(listed.total);
    const recordCol = rows[0]!.indexOf("记录 ID");
    expect(rows.slice(1).map((r) => r[recordCol])).toEqual(listed.items.map((r) => (r.recordId!.startsWith("=") ? `'${r.recordId}` : r.recordId)));
    const afterCol = rows[0]!.indexOf("变更后");
    expect(JSON.parse(rows[1]![afterCol]!)).toEqual(listed.items[0]!.after);

    // The same filter in English, as XLSX.
    const en = await w.ctxFor(w.managerB.id, w.tenantB);
    const { createCaller } = await import("~/server/api/root");
    const adminEn = createCaller({ ...en, locale: "en" });
    const xJob = await adminEn.export.create({ resource: "audit", format: "xlsx", filter });
    await drainExportJobs(t.db, { batchSize: 7 });
    const xDone = await adminEn.export.get({ id: xJob.id });
    expect(xDone).toMatchObject({ status: "done", done: 28 });
    expect(xDone.fileName).toMatch(/^audit-log-\d{8}\.xlsx$/);
    const sheet = await xlsxRows(await fileOf(xJob.id));
    expect(sheet[0]).toContain("Record ID");
    expect(sheet.length - 1).toBe(28);
    const rc = (sheet[0] as string[]).indexOf("Record ID");
    expect(sheet.slice(1).map((r) => r[rc])).toEqual(listed.items.map((r) => (r.recordId!.startsWith("=") ? `'${r.recordId}` : r.recordId)));
    const timeCol = (sheet[0] as string[]).indexOf("Time");
    expect((sheet[1]![timeCol] as Date).getTime()).toBe(listed.items[0]!.createdAt.getTime());
  });

  it("exports roles, only the caller's tenant, matching the list", async () => {
    const admin = await w.callerFor(w.managerB.id);
    for (let i = 0; i < 12; i++) await admin.role.create({ name: `exp-role-${i}`, permissions: ["uc.user.get"], claims: [] });
    const filter = { name: "exp-role", orderby: "name" as const, asc: true };
    const listed = await admin.role.list({ ...filter, take: 100 });
    const job = await admin.export.create({ resource: "roles", format: "xlsx", filter });
    await drainExportJobs(t.db, { batchSize: 5 });
    const sheet = await xlsxRows(await fileOf(job.id));
    expect(sheet.slice(1).map((r) => r[0])).toEqual(listed.items.map((r) => r.name));
    expect(sheet.length - 1).toBe(12);
  });

  it("exports the users list through its keyset cursor, matching the table's filter", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const roles = await t.db.role.findMany({ where: { tenantId: w.tenantB.id, name: { in: ["user", "administrator"] } }, select: { id: true } });
    expect(roles).toHaveLength(2);
    for (let i = 0; i < 23; i++)
      await admin.user.create({
        userName: `exp${String(i).padStart(2, "0")}`,
        nickname: i % 2 ? "=cmd" : `导出 ${i}`,
        email: i % 4 ? `exp${i}@b.test` : undefined,
        // Two roles, one or none: the column lists them as the table does.
        roleIds: roles.slice(0, i % 3).map((r) => r.id),
      });
    const filter = { name: "exp", orderby: "userName" as const, asc: true };
    const listed = await admin.user.list({ ...filter, take: 100 });
    expect(listed.items).toHaveLength(23);
    const job = await admin.export.create({ resource: "users", format: "csv", filter });
    await drainExportJobs(t.db, { batchSize: 5 });
    const done = await exportRow(job.id);
    expect(done).toMatchObject({ status: "done", done: 23 });
    const rows = parseCsv(
      Buffer.from(await fileOf(done.id))
        .toString("utf8")
        .replace(/^\uFEFF/, ""),
    );
    expect(rows[0]![0]).toBe("用户名");
    expect(rows.slice(1).map((r) => r[0])).toEqual(listed.items.map((u) => u.userName));
    // Every column, row by row, is what the list shows (across pages of 5).
    expect(rows.slice(1)).toEqual(
      listed.items.map((u) => [
        u.userName,
        u.nickname?.startsWith("=") ? `'${u.nickname}` : u.nickname,
        u.phone ?? "",
        u.email ?? "",
        "正常",
        u.roles.map((r) => r.name).join(" "),
        u.createdAt.toISOString(),
        u.id,
      ]),
    );
    expect(rows.slice(1).filter((r) => r[5] === "administrator user")).toHaveLength(7);
    // Spreadsheet formulas arrive as text.
    expect(rows[2]![1]).toBe("'=cmd");
    // Another filter, another file: only what the list would show.
    const other = await admin.export.create({ resource: "users", format: "csv", filter: { name: "managerb" } });
    await drainExportJobs(t.db, { batchSize: 5 });
    expect((await exportRow(other.id)).done).toBe(1);
  });

  it("exports the smaller lists (OAuth clients, identity resources) with the caller's scope", async () => {
    const admin = await w.callerFor(w.managerB.id);
    await ensureStandardIdentityResources(t.db, w.tenantB.id);
    await ensureStandardIdentityResources(t.db, w.platform.id);
    for (const name of ["exp-app-1", "exp-app-2", "exp-app-3"]) await admin.client.create({ name, scopes: ["uc.user.get"] });
    const job = await admin.export.create({ resource: "clients", format: "csv", filter: { name: "exp-app" } });
    const ids = await admin.export.create({ resource: "identityResources", format: "xlsx", filter: {} });
    await drainExportJobs(t.db, { batchSize: 2 });
    const csv = parseCsv(
      Buffer.from(await fileOf(job.id))
        .toString("utf8")
        .replace(/^\uFEFF/, ""),
    );
    expect(
      csv
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(["exp-app-1", "exp-app-2", "exp-app-3"]);
    // Tenant B's five standard identity resources, not the platform's.
    const sheet = await xlsxRows(await fileOf(ids.id));
    expect(
      sheet
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(["address", "email", "openid", "phone", "profile"]);
  });

  it("exports the activity lists (sessions, locks, outbox) and the file library, each in the caller's scope", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const now = new Date();
    await t.db.loginSession.createMany({
      data: [
        { tenantId: w.tenantB.id, userId: w.plainB.id, site: "web", method: "password", ip: "10.9.0.1", expiresAt: new Date(now.getTime() + 3600_000) },
        { tenantId: w.platform.id, userId: w.operator.id, site: "platform", method: "password", ip: "10.9.0.2", expiresAt: new Date(now.getTime() + 3600_000) },
      ],
    });
    await t.db.accountLock.createMany({
      data: [
        { tenantId: w.tenantB.id, userId: w.plainB.id, until: now, reason: "failures", ip: "10.9.0.1" },
        { tenantId: w.platform.id, userId: w.operator.id, until: now, reason: "failures", ip: "10.9.0.2" },
      ],
    });
    await t.db.storedFile.createMany({
      data: ["a.png", "b.pdf"].map((name, i) => ({
        tenantId: i ? w.platform.id : w.tenantB.id,
        ownerId: i ? w.operator.id : w.managerB.id,
        folder: "20261125",
        kind: i ? ("document" as const) : ("image" as const),
        mime: i ? "application/pdf" : "image/png",
        ext: i ? "pdf" : "png",
        name,
        size: 10,
        checksum: "x",
        storageKey: `exportkey${i}abcd`,
        url: `/api/files/exportkey${i}abcd`,
      })),
    });
    await t.db.outboxMessage.create({ data: { channel: "sms", to: "+86-15810419011", body: "code 123456", provider: "outbox", status: "stored" } });
    const jobs = {
      sessions: await admin.export.create({ resource: "sessions", format: "csv", filter: { ip: "10.9." } }),
      locks: await admin.export.create({ resource: "locks", format: "csv", filter: {} }),
      files: await admin.export.create({ resource: "files", format: "csv", filter: {} }),
    };
    // The outbox is for platform operators only.
    expect((await failure(() => admin.export.create({ resource: "outbox", format: "csv", filter: {} }))).code).toBe(10002);
    const op = await w.callerFor(w.operator.id, w.platform);
    const outbox = await op.export.create({ resource: "outbox", format: "csv", filter: { to: "+86-158" } });
    await drainExportJobs(t.db, { batchSize: 2 });
    const rows = async (id: string) => parseCsv((await fileOf(id)).toString("utf8").replace(/^\uFEFF/, "")).slice(1);
    const sessionRows = await rows(jobs.sessions.id);
    expect(sessionRows.map((r) => r[4])).toEqual(["10.9.0.1"]);
    // Browser, OS and the IP's place follow the device id (a private address: the local network).
    expect(sessionRows.map((r) => r[9])).toEqual([expect.stringMatching(/^(Local network|内网)$/)]);
    expect((await rows(jobs.locks.id)).map((r) => r[3])).toEqual(["10.9.0.1"]);
    expect((await rows(jobs.files.id)).map((r) => r[0])).toEqual(["a.png"]);
    expect((await rows(outbox.id)).map((r) => r[4])).toEqual(["code 123456"]);
  });

  it("needs the list's permission and a known resource; validates the filter", async () => {
    const plain = await w.callerFor(w.plainB.id);
    expect((await failure(() => plain.export.create({ resource: "audit", format: "csv", filter: {} }))).code).toBe(10002);
    const dev = await t.db.role.findFirstOrThrow({ where: { tenantId: w.tenantB.id, name: "developer" } });
    const devUser = await t.db.user.create({
      data: { tenantId: w.tenantB.id, userName: "dev1", userNameKey: "dev1", roles: { create: [{ roleId: dev.id }] } },
    });
    const devCaller = await w.callerFor(devUser.id);
    // A developer may export, but not the audit log they cannot read.
    expect((await failure(() => devCaller.export.create({ resource: "audit", format: "csv", filter: {} }))).code).toBe(10002);
    const admin = await w.callerFor(w.managerB.id);
    expect((await failure(() => admin.export.create({ resource: "nope", format: "csv", filter: {} }))).code).toBe(19003);
    const bad = await failure(() => admin.export.create({ resource: "audit", format: "csv", filter: { actorId: "not-a-uuid" } }));
    expect(bad.code).toBe(10003);
    expect(await t.db.job.count({ where: { actorId: w.plainB.id } })).toBe(0);
  });

  it("refuses a filter value nested past the depth limit or of a kind JSON cannot hold (400 10003), and stores only the parsed filter", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const before = await t.db.job.count({ where: { kind: "export" } });
    const audits = await t.db.auditLog.count({ where: { action: "export.create" } });
    const nest = (leaf: unknown, levels: number): unknown => (levels ? { a: nest(leaf, levels - 1) } : leaf);
    // A NUL string 33 levels down an unknown key; a superjson bigint; a Map; NaN: none may reach the database.
    for (const evil of [nest("a\u0000b", 33), nest("fine", 40), 1n, new Map([["a", "b"]]), Number.NaN]) {
      const bad = await failure(() => admin.export.create({ resource: "roles", format: "csv", filter: { name: "exp", evil } }));
      expect(bad).toMatchObject({ code: 10003 });
    }
    expect(await t.db.job.count({ where: { kind: "export" } })).toBe(before);
    expect(await t.db.auditLog.count({ where: { action: "export.create" } })).toBe(audits);
    // An unknown key (clean, shallow) is dropped: the job row and its audit line hold what the schema parsed.
    const job = await admin.export.create({ resource: "roles", format: "csv", filter: { name: "exp", extra: { note: "not a filter" }, take: 5 } });
    const row = await exportRow(job.id);
    expect(row.filter).not.toHaveProperty("extra");
    expect(row.filter).not.toHaveProperty("take");
    expect(row.filter).toMatchObject({ name: "exp" });
    const audit = await t.db.auditLog.findFirstOrThrow({ where: { action: "export.create", recordId: job.id } });
    expect(JSON.stringify(audit)).not.toContain("not a filter");
    await drainExportJobs(t.db);
    expect((await exportRow(job.id)).status).toBe("done");
  });

  it("shows a user only their own jobs; the download is refused to anyone else", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const job = await admin.export.create({ resource: "roles", format: "csv", filter: {} });
    const early = await downloadExport(t.db, { userId: w.managerB.id, permissions: ["uc.export.all"] }, job.id, "en");
    expect(early.status).toBe(409);
    await drainExportJobs(t.db);

    const op = await w.callerFor(w.operator.id, w.platform);
    expect((await failure(() => op.export.get({ id: job.id }))).code).toBe(19001);
    expect((await op.export.list({})).items.some((j) => j.id === job.id)).toBe(false);
    expect((await admin.export.list({})).items.map((j) => j.id)).toContain(job.id);

    const other = await downloadExport(t.db, { userId: w.operator.id, permissions: ["uc.all"] }, job.id, "en");
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain("administrator");
    expect((await downloadExport(t.db, null, job.id, "en")).status).toBe(401);
    expect((await downloadExport(t.db, { userId: w.managerB.id, permissions: ["uc.me.all"] }, job.id, "en")).status).toBe(403);

    const ok = await downloadExport(t.db, { userId: w.managerB.id, permissions: ["uc.export.all"] }, job.id, "zh-CN");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(ok.headers.get("content-disposition")).toMatch(/^attachment; filename="__-\d{8}\.csv"; filename\*=UTF-8''%E8%A7%92%E8%89%B2-\d{8}\.csv$/);
    expect(Buffer.from(await ok.arrayBuffer()).toString("utf8")).toContain("administrator");
  });

  it("writes the file to the export store, keeps only its key and size on the job, and streams the download", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const job = await admin.export.create({ resource: "audit", format: "xlsx", filter: {} });
    await drainExportJobs(t.db, { batchSize: 20 });
    const row = await exportRow(job.id);
    expect(row.fileKey).toMatch(new RegExp(`^${w.tenantB.id}/${job.id}-[0-9a-f]{8}\\.xlsx$`));
    // No copy of the file in the database: the job keeps its key, name and size, and ExportJob is gone.
    const tables = await t.db.$queryRaw<{ table_name: string }[]>`SELECT table_name FROM information_schema.tables WHERE table_name = 'ExportJob'`;
    expect(tables).toEqual([]);
    expect(Object.keys(row.result as object).sort()).toEqual(["fileKey", "fileName", "size"]);
    const bytes = await fileOf(job.id);
    expect((await admin.export.get({ id: job.id })).size).toBe(bytes.length);
    expect((await admin.export.list({})).items.find((j) => j.id === job.id)?.size).toBe(bytes.length);
    expect(await readdir(path.dirname(exportPath(row.fileKey!)))).not.toContainEqual(expect.stringMatching(/\.part$/));

    const res = await downloadExport(t.db, { userId: w.managerB.id, permissions: ["uc.export.get"] }, job.id, "en");
    expect(res.status).toBe(200);
    expect(res.body).toBeInstanceOf(ReadableStream);
    expect(res.headers.get("content-length")).toBe(String(bytes.length));
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.headers.get("content-disposition")).toMatch(/filename\*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97-\d{8}\.xlsx$/);
    const got = Buffer.from(await res.arrayBuffer());
    expect(got.equals(bytes)).toBe(true);
    expect((await xlsxRows(got)).length - 1).toBe((await admin.audit.list({ take: 1 })).total);
  });

  it("refuses a key that is not an export key before it touches the disk", () => {
    for (const bad of ["../secrets.json", `${w.tenantB.id}/../../secrets.json`, `${w.tenantB.id}/x.csv`, `/etc/passwd`])
      expect(() => exportPath(bad)).toThrow();
  });

  it("a failing export leaves no file, partial or whole", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const job = await admin.export.create({ resource: "roles", format: "csv", filter: {} });
    const page = rolesExporter.page;
    let calls = 0;
    const spy = vi.spyOn(rolesExporter, "page").mockImplementation(async (...args) => {
      if (++calls === 2) throw new Error("the database went away");
      return page(...args);
    });
    try {
      await drainExportJobs(t.db, { batchSize: 2 });
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(2);
    const row = await exportRow(job.id);
    expect(row).toMatchObject({ status: "failed", error: "the database went away", fileKey: null, size: null });
    const dir = path.join(exportsRoot(), w.tenantB.id);
    expect((await readdir(dir).catch(() => [])).filter((f) => f.startsWith(job.id))).toEqual([]);
    expect((await downloadExport(t.db, { userId: w.managerB.id, permissions: ["uc.export.get"] }, job.id, "en")).status).toBe(409);
  });

  it("is a job like any other: job.get reads its progress, job.cancel stops it (queued at once, running between batches) and leaves no file", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const queued = await admin.export.create({ resource: "roles", format: "csv", filter: {} });
    expect(await admin.job.get({ id: queued.id })).toMatchObject({ kind: "export", status: "queued", done: 0, cancelRequested: false });
    // Someone else's export is not theirs to read or stop, an administrator's of the same tenant neither (as with the download).
    const colleague = await w.callerFor((await w.makeUser(w.tenantB.id, "expjobpeer", ["administrator"])).id);
    expect((await failure(() => colleague.job.get({ id: queued.id }))).code).toBe(200027);
    expect((await failure(() => colleague.job.cancel({ id: queued.id }))).code).toBe(200027);
    expect(await admin.job.cancel({ id: queued.id })).toMatchObject({ status: "cancelled", cancelRequested: true });
    expect(await admin.export.get({ id: queued.id })).toMatchObject({ status: "cancelled", fileName: null, size: null });
    expect((await admin.export.list({ status: "cancelled" })).items.map((j) => j.id)).toContain(queued.id);
    expect(await t.db.auditLog.count({ where: { action: "job.cancel", recordId: queued.id } })).toBe(1);
    expect(await drainExportJobs(t.db)).toBe(0);

    const running = await admin.export.create({ resource: "roles", format: "csv", filter: {} });
    await drainExportJobs(t.db, {
      batchSize: 1,
      progressEveryMs: 0,
      onBatch: async (id, done) => {
        if (done === 1) expect(await admin.job.cancel({ id })).toMatchObject({ status: "running", cancelRequested: true });
      },
    });
    const row = await exportRow(running.id);
    expect(row).toMatchObject({ status: "cancelled", error: "Cancelled on request", done: 2, fileKey: null });
    expect(row.log).toContain("■ cancelled");
    const dir = path.join(exportsRoot(), w.tenantB.id);
    expect((await readdir(dir).catch(() => [])).filter((f) => f.startsWith(running.id))).toEqual([]);
    expect((await downloadExport(t.db, { userId: w.managerB.id, permissions: ["uc.export.get"] }, running.id, "en")).status).toBe(409);
  });

  it("a job whose creator was disabled or deleted after queueing fails and writes no file", async () => {
    const adminRole = await t.db.role.findFirstOrThrow({ where: { tenantId: w.tenantB.id, name: "administrator" } });
    const dir = path.join(exportsRoot(), w.tenantB.id);
    for (const gone of [{ status: "disabled" as const }, { deletedAt: new Date() }]) {
      const name = `exp-gone-${Math.random().toString(36).slice(2, 8)}`;
      const creator = await t.db.user.create({
        data: { tenantId: w.tenantB.id, userName: name, userNameKey: name, roles: { create: [{ roleId: adminRole.id }] } },
      });
      const job = await (await w.callerFor(creator.id)).export.create({ resource: "roles", format: "csv", filter: {} });
      await t.db.user.update({ where: { id: creator.id }, data: gone });
      await drainExportJobs(t.db);
      const row = await exportRow(job.id);
      expect(row).toMatchObject({ status: "failed", fileKey: null, size: null });
      expect(row.error).toMatch(/no longer active/);
      expect((await readdir(dir).catch(() => [])).filter((f) => f.startsWith(job.id))).toEqual([]);
    }
  });

  it("the sweep deletes an export past its retention, row and file, and keeps a younger one", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const old = await admin.export.create({ resource: "roles", format: "csv", filter: {} });
    const young = await admin.export.create({ resource: "roles", format: "csv", filter: {} });
    await drainExportJobs(t.db);
    const oldFile = exportPath((await exportRow(old.id)).fileKey!);
    const youngFile = exportPath((await exportRow(young.id)).fileKey!);
    const day = 86_400_000;
    await t.db.job.update({ where: { id: old.id }, data: { finishedAt: new Date(Date.now() - 7 * day - 60_000) } });
    await t.db.job.update({ where: { id: young.id }, data: { finishedAt: new Date(Date.now() - 7 * day + 3_600_000) } });
    // A crashed worker's partial file: an old one goes, a fresh one (a worker still writing) stays.
    const dir = path.join(exportsRoot(), w.tenantB.id);
    const stale = path.join(dir, `${old.id}-0badc0de.csv.part`);
    const writing = path.join(dir, `${young.id}-0badc0de.csv.part`);
    await writeFile(stale, "half");
    await writeFile(writing, "half");
    await utimes(stale, new Date(Date.now() - 2 * day), new Date(Date.now() - 2 * day));
    const result = await runHousekeeping(t.db, { kind: t.kind });
    expect(result.status).toBe("done");
    await expect(readFile(stale)).rejects.toThrow(/ENOENT/);
    expect((await readFile(writing)).toString()).toBe("half");
    expect(await t.db.job.findUnique({ where: { id: old.id } })).toBeNull();
    await expect(readFile(oldFile)).rejects.toThrow(/ENOENT/);
    expect(await t.db.job.findUnique({ where: { id: young.id } })).not.toBeNull();
    expect((await readFile(youngFile)).length).toBeGreaterThan(0);
    // A file gone from the store (swept, or a lost disk) is "expired", never a broken 200.
    const youngRow = await exportRow(young.id);
    await t.db.job.update({
      where: { id: young.id },
      data: { result: { fileName: youngRow.fileName, size: youngRow.size, fileKey: `${w.tenantB.id}/${young.id}-00000000.csv` } },
    });
    const gone = await downloadExport(t.db, { userId: w.managerB.id, permissions: ["uc.export.get"] }, young.id, "en");
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { code: number }).code).toBe(19004);
  });

  it("writes the column titles in the job's language, from the messages", async () => {
    const { createCaller } = await import("~/server/api/root");
    const zh = await w.callerFor(w.managerB.id);
    const en = createCaller({ ...(await w.ctxFor(w.managerB.id, w.tenantB)), locale: "en" });
    const zhJob = await zh.export.create({ resource: "users", format: "csv", filter: { name: "managerb" } });
    const enJob = await en.export.create({ resource: "users", format: "xlsx", filter: { name: "managerb" } });
    await drainExportJobs(t.db);
    const zhRows = parseCsv((await fileOf(zhJob.id)).toString("utf8").replace(/^\uFEFF/, ""));
    expect(zhRows[0]).toEqual(["用户名", "昵称", "手机号", "邮箱", "状态", "角色", "创建时间", "ID"]);
    expect(zhRows[1]![4]).toBe("正常");
    const enRows = await xlsxRows(await fileOf(enJob.id));
    expect(enRows[0]).toEqual(["User name", "Nickname", "Phone", "Email", "Status", "Roles", "Created", "ID"]);
    expect(enRows[1]![4]).toBe("Active");
    expect((await zh.export.get({ id: zhJob.id })).fileName).toMatch(/^用户-\d{8}\.csv$/);
    expect((await en.export.get({ id: enJob.id })).fileName).toMatch(/^users-\d{8}\.xlsx$/);
  });

  it("writes seeded texts (built-in roles, standard identity resources) in the job's language, as the console shows them", async () => {
    const { createCaller } = await import("~/server/api/root");
    const zh = await w.callerFor(w.managerB.id);
    const en = createCaller({ ...(await w.ctxFor(w.managerB.id, w.tenantB)), locale: "en" });
    const builtIn = (await zh.role.list({ take: 100 })).items.find((r) => r.builtIn)!;
    const filter = { name: builtIn.name };
    const [zhRoles, enRoles] = [
      await zh.export.create({ resource: "roles", format: "csv", filter }),
      await en.export.create({ resource: "roles", format: "csv", filter }),
    ];
    const zhIds = await zh.export.create({ resource: "identityResources", format: "csv", filter: { name: "profile" } });
    const enIds = await en.export.create({ resource: "identityResources", format: "csv", filter: { name: "profile" } });
    await drainExportJobs(t.db);
    const rows = async (id: string) => parseCsv((await fileOf(id)).toString("utf8").replace(/^\uFEFF/, "")).slice(1);
    const label = BUILT_IN_ROLES[builtIn.name as keyof typeof BUILT_IN_ROLES];
    const zhRole = (await rows(zhRoles.id)).find((r) => r[0]!.endsWith(`(${builtIn.name})`))!;
    expect(zhRole.slice(0, 2)).toEqual([`${label.label["zh-CN"]} (${builtIn.name})`, label.description["zh-CN"]]);
    expect((await rows(enRoles.id)).find((r) => r[0] === builtIn.name)![1]).toBe(label.description.en);
    const profile = STANDARD_IDENTITY_RESOURCES.find((r) => r.name === "profile")!;
    const [zhProfile] = await rows(zhIds.id);
    const [enProfile] = await rows(enIds.id);
    expect(zhProfile!.slice(0, 3)).toEqual(["profile", profile.displayName["zh-CN"], profile.description["zh-CN"]]);
    expect(enProfile!.slice(0, 3)).toEqual(["profile", profile.displayName.en, profile.description.en]);
  });

  it("refuses the download to another user of the same tenant", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const job = await admin.export.create({ resource: "roles", format: "csv", filter: {} });
    await drainExportJobs(t.db);
    const res = await downloadExport(t.db, { userId: w.plainB.id, permissions: ["uc.export.all"] }, job.id, "en");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-disposition")).toBeNull();
  });

  it.skipIf(process.env.TEST_DB === "pglite")("a second instance does not take a leased job, and does take one whose lease expired", async () => {
    const second = await createSecondClient();
    try {
      const admin = await w.callerFor(w.managerB.id);
      const job = await admin.export.create({ resource: "roles", format: "csv", filter: {} });
      const mine = await claimExportJob(t.db, 60_000);
      expect(mine?.id).toBe(job.id);
      // Instance two sees nothing to do while the lease holds.
      expect(await claimExportJob(second, 60_000)).toBeNull();
      // Instance one "crashes": its lease runs out.
      await t.db.job.update({ where: { id: job.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
      const taken = await claimExportJob(second, 60_000);
      expect(taken?.id).toBe(job.id);
      await runExportJob(second, taken!);
      expect((await exportRow(job.id)).status).toBe("done");
      // The first instance waking up late cannot overwrite the finished job.
      await runExportJob(t.db, mine!);
      const final = await exportRow(job.id);
      expect(final.status).toBe("done");
      expect(final.error).toBeNull();
    } finally {
      await second.$disconnect();
    }
  });

  it.skipIf(process.env.TEST_DB === "pglite")("two instances claiming at once never take the same job", async () => {
    const second = await createSecondClient();
    try {
      const admin = await w.callerFor(w.managerB.id);
      const ids = new Set<string>();
      for (let i = 0; i < 4; i++) ids.add((await admin.export.create({ resource: "roles", format: "csv", filter: {} })).id);
      const claims = await Promise.all([t.db, second, t.db, second, t.db, second].map((db) => claimExportJob(db, 60_000)));
      const got = claims.flatMap((c) => (c ? [c.id] : []));
      expect(new Set(got).size).toBe(got.length);
      expect(new Set(got)).toEqual(ids);
    } finally {
      await second.$disconnect();
    }
  });
});

describe("the migration that moved exports onto Job", () => {
  it("carries every ExportJob row over (status, progress, times, lease, error, its file) and the download still works", async () => {
    // The table as it was before 20261202190000_export_jobs_into_job, with a row of each kind of state.
    await t.db.$executeRawUnsafe(`CREATE TYPE "ExportStatus" AS ENUM ('queued', 'running', 'done', 'failed')`);
    await t.db.$executeRawUnsafe(`CREATE TABLE "ExportJob" (
      "id" UUID PRIMARY KEY, "tenantId" UUID, "actorId" UUID NOT NULL, "resource" TEXT NOT NULL, "format" TEXT NOT NULL,
      "locale" TEXT NOT NULL DEFAULT 'zh-CN', "filter" JSONB NOT NULL, "status" "ExportStatus" NOT NULL DEFAULT 'queued',
      "total" INTEGER, "done" INTEGER NOT NULL DEFAULT 0, "error" TEXT, "fileName" TEXT, "fileKey" TEXT, "size" BIGINT,
      "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "startedAt" TIMESTAMPTZ(3), "finishedAt" TIMESTAMPTZ(3), "leaseUntil" TIMESTAMPTZ(3))`);
    const ids = ["0193a000-0000-7000-8000-00000000e0a1", "0193a000-0000-7000-8000-00000000e0a2", "0193a000-0000-7000-8000-00000000e0a3"];
    const key = `${w.tenantB.id}/${ids[0]}-0badc0de.csv`;
    await mkdir(path.dirname(exportPath(key)), { recursive: true });
    await writeFile(exportPath(key), "a,b\n1,2\n");
    const me = w.managerB.id;
    await t.db.$executeRawUnsafe(
      `INSERT INTO "ExportJob" ("id", "tenantId", "actorId", "resource", "format", "locale", "filter", "status", "total", "done", "error", "fileName", "fileKey", "size", "createdAt", "startedAt", "finishedAt", "leaseUntil") VALUES
       ($1::uuid, $4::uuid, $5::uuid, 'roles', 'csv', 'en', '{"name":"exp"}', 'done', 1, 1, NULL, 'roles-20261201.csv', $6, 8, '2026-12-01 10:00:00+00', '2026-12-01 10:00:01+00', '2026-12-01 10:00:02+00', NULL),
       ($2::uuid, $4::uuid, $5::uuid, 'audit', 'xlsx', 'zh-CN', '{}', 'failed', NULL, 4, 'disk full', NULL, NULL, NULL, '2026-12-01 11:00:00+00', '2026-12-01 11:00:01+00', '2026-12-01 11:00:03+00', NULL),
       ($3::uuid, NULL, $5::uuid, 'users', 'csv', 'zh-CN', '{"name":"a","nested":{"b":[1,2]}}', 'running', 100, 40, NULL, NULL, NULL, NULL, '2026-12-01 12:00:00+00', '2026-12-01 12:00:01+00', NULL, '2026-12-01 12:01:01.123+00')`,
      ...ids,
      w.tenantB.id,
      me,
      key,
    );
    const file = await readFile(path.join(process.cwd(), "prisma/migrations/20261202190000_export_jobs_into_job/migration.sql"), "utf8");
    const statements = file
      .split("\n")
      .filter((l) => !l.trimStart().startsWith("--"))
      .join("\n")
      .split(/;\s*$/m)
      .map((x) => x.trim())
      .filter(Boolean);
    expect(statements).toHaveLength(3);
    for (const statement of statements) await t.db.$executeRawUnsafe(statement);

    expect(await t.db.$queryRaw`SELECT 1 FROM pg_type WHERE typname = 'ExportStatus'`).toEqual([]);
    const rows = await t.db.job.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows[0]).toMatchObject({
      kind: "export",
      tenantId: w.tenantB.id,
      actorId: me,
      input: { resource: "roles", format: "csv", locale: "en", filter: { name: "exp" } },
      status: "done",
      total: 1,
      done: 1,
      error: null,
      result: { fileName: "roles-20261201.csv", fileKey: key, size: 8 },
      createdAt: new Date("2026-12-01T10:00:00Z"),
      startedAt: new Date("2026-12-01T10:00:01Z"),
      finishedAt: new Date("2026-12-01T10:00:02Z"),
      leaseUntil: null,
    });
    expect(rows[1]).toMatchObject({
      status: "failed",
      done: 4,
      total: null,
      error: "disk full",
      result: null,
      input: { resource: "audit", format: "xlsx", locale: "zh-CN", filter: {} },
    });
    expect(rows[2]).toMatchObject({
      tenantId: null,
      status: "running",
      done: 40,
      total: 100,
      leaseUntil: new Date("2026-12-01T12:01:01.123Z"),
      finishedAt: null,
      input: { resource: "users", filter: { name: "a", nested: { b: [1, 2] } } },
    });
    // As their creator sees them: listed, got and downloaded like any export.
    const admin = await w.callerFor(me);
    expect(await admin.export.get({ id: ids[0]! })).toMatchObject({
      resource: "roles",
      format: "csv",
      status: "done",
      fileName: "roles-20261201.csv",
      size: 8,
    });
    expect((await admin.export.list({ take: 100 })).items.map((j) => j.id)).toEqual(expect.arrayContaining(ids));
    const res = await downloadExport(t.db, { userId: me, permissions: ["uc.export.get"] }, ids[0]!, "en");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("a,b\n1,2\n");
    await t.db.job.deleteMany({ where: { id: { in: ids } } });
  });
});

describe("file helpers", () => {
  it("quotes CSV fields and guards formulas", () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("=1+2")).toBe("'=1+2");
    expect(csvField("+86-1")).toBe("'+86-1");
    expect(csvField("-5")).toBe("'-5");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField(-5)).toBe("-5");
    expect(csvField("x\ny")).toBe('"x\ny"');
    expect(contentDisposition("用户-20261125.xlsx")).toBe(`attachment; filename="__-20261125.xlsx"; filename*=UTF-8''%E7%94%A8%E6%88%B7-20261125.xlsx`);
  });
});

/** A second PrismaClient on the same database: another app instance. */
async function createSecondClient(): Promise<PrismaClient> {
  if (!t.url) throw new Error("no database url");
  return createPrismaClient({ databaseUrl: t.url, dataDir: ".data/test" }).db;
}
