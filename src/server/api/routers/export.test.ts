import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

// Jobs stay queued: these tests are about the router's rules, not the worker (src/server/exports/exports.test.ts).
process.env.UC_EXPORT_WORKER = "off";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
let devB: { id: string };
let adminB2: { id: string };
beforeAll(async () => {
  w = t.w;
  db = t.db;
  devB = await w.makeUser(w.tenantB.id, "exportdev", ["developer"]);
  adminB2 = await w.makeUser(w.tenantB.id, "exportadmin2", ["administrator"]);
});

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const jobCount = () => db.job.count({ where: { kind: "export" } });

describe("export.create", () => {
  it("queues a job for the caller's tenant with the parsed filter (paging dropped), and writes an audit entry", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { ip: "192.0.2.30", userAgent: "Vitest/export", locale: "en" });
    const job = await admin.export.create({ resource: "roles", format: "xlsx", filter: { name: " admin ", skip: 40, take: 20, cursor: "x", nonsense: 1 } });
    expect(job).toEqual({
      id: job.id,
      resource: "roles",
      format: "xlsx",
      status: "queued",
      total: null,
      done: 0,
      error: null,
      fileName: null,
      size: null,
      createdAt: job.createdAt,
      startedAt: null,
      finishedAt: null,
    });
    // A row of the one job table, of kind "export", its request in `input`.
    const row = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ kind: "export", tenantId: w.tenantB.id, actorId: w.managerB.id, status: "queued", result: null });
    const input = row.input as { filter: object };
    expect(input).toMatchObject({ resource: "roles", format: "xlsx", locale: "en" });
    // What the roles list's schema made of it: trimmed, unknown and paging keys gone.
    expect(input.filter).toMatchObject({ name: "admin" });
    for (const k of ["skip", "take", "cursor", "nonsense"]) expect(input.filter).not.toHaveProperty(k);

    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "export.create", recordId: job.id } });
    expect(audit).toMatchObject({ tenantId: w.tenantB.id, actorId: w.managerB.id, ip: "192.0.2.30", userAgent: "Vitest/export" });
    expect(audit.after).toEqual({ resource: "roles", format: "xlsx", filter: input.filter });
  });

  it("refuses what cannot be exported, or not by this caller, or with a bad filter; no job and no audit entry is left", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { locale: "en" });
    const jobs = await jobCount();
    const audits = await db.auditLog.count({ where: { action: "export.create" } });

    expect(await failure(() => admin.export.create({ resource: "passwords", format: "csv" }))).toMatchObject({
      code: 19003,
      trpc: "BAD_REQUEST",
      fields: { resource: ["passwords"] },
    });
    // A prototype key is not an exporter either.
    expect(await failure(() => admin.export.create({ resource: "constructor", format: "csv" }))).toMatchObject({ code: 19003 });

    const badFilter = await failure(() => admin.export.create({ resource: "audit", format: "csv", filter: { actorId: "not-a-uuid" } }));
    expect(badFilter).toMatchObject({ code: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(badFilter.fields!)).toEqual(["filter.actorId"]);

    const badInput = await failure(() => admin.export.create({ resource: "roles", format: "pdf" as "csv" }));
    expect(badInput).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(badInput.fields!)).toEqual(["format"]);
    const empty = await failure(() => admin.export.create({ resource: " ", format: "csv" }));
    expect(Object.keys(empty.fields!)).toEqual(["resource"]);

    // Exporting a list is reading it: a developer (uc.export.all) may not export the audit log or the users.
    const dev = await w.callerFor(devB.id);
    expect(await failure(() => dev.export.create({ resource: "audit", format: "csv" }))).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    expect(await failure(() => dev.export.create({ resource: "users", format: "csv" }))).toMatchObject({ code: 10002 });
    // ...nor a tenant administrator the platform's outbox.
    expect(await failure(() => admin.export.create({ resource: "outbox", format: "csv" }))).toMatchObject({ code: 10002 });

    expect(await jobCount()).toBe(jobs);
    expect(await db.auditLog.count({ where: { action: "export.create" } })).toBe(audits);
    // What a developer may read, they may export.
    expect((await dev.export.create({ resource: "apiScopes", format: "csv" })).status).toBe("queued");
  });
});

describe("export.get and export.list: my jobs only", () => {
  it("lists the caller's own jobs newest first, by status, paged; gets each by id", async () => {
    const me = await w.callerFor(adminB2.id);
    const a = await me.export.create({ resource: "roles", format: "csv" });
    const b = await me.export.create({ resource: "users", format: "xlsx" });
    const c = await me.export.create({ resource: "audit", format: "csv", filter: { action: "role" } });
    await db.job.update({
      where: { id: b.id },
      data: {
        status: "done",
        total: 3,
        done: 3,
        result: { fileName: "users.xlsx", fileKey: `${w.tenantB.id}/${b.id}-00000000.xlsx`, size: 1234 },
        finishedAt: new Date(),
      },
    });
    await db.job.update({ where: { id: a.id }, data: { status: "failed", error: "disk full" } });
    // The caller's other jobs (a bulk action, an import) share the table but are not exports: never listed, never got.
    const bulk = await db.job.create({ data: { kind: "user.bulk", tenantId: w.tenantB.id, actorId: adminB2.id, input: {} } });

    const all = await me.export.list({});
    expect(all.total).toBe(3);
    expect(all.items.map((j) => j.id)).toEqual([c.id, b.id, a.id]);
    expect((await me.export.list({ status: "done" })).items).toEqual([
      expect.objectContaining({ id: b.id, status: "done", total: 3, done: 3, fileName: "users.xlsx", size: 1234 }),
    ]);
    expect((await me.export.list({ status: "queued" })).items.map((j) => j.id)).toEqual([c.id]);
    expect((await me.export.list({ skip: 1, take: 1 })).items.map((j) => j.id)).toEqual([b.id]);

    expect(await me.export.get({ id: a.id })).toMatchObject({ id: a.id, resource: "roles", format: "csv", status: "failed", error: "disk full", size: null });
    expect(await me.export.get({ id: b.id })).toMatchObject({ size: 1234, fileName: "users.xlsx" });
    expect(await failure(() => me.export.get({ id: bulk.id }))).toMatchObject({ code: 19001 });
    await db.job.delete({ where: { id: bulk.id } });
  });

  it("never shows anyone else's job, in the same tenant or another: not listed, get answers 19001", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const mine = await admin.export.create({ resource: "roles", format: "csv" });
    const op = await w.callerFor(w.operator.id, w.platform);
    const platformJob = await op.export.create({ resource: "tenants", format: "csv" });
    expect((await db.job.findUniqueOrThrow({ where: { id: platformJob.id } })).tenantId).toBe(w.platform.id);

    const colleague = await w.callerFor(adminB2.id);
    expect((await colleague.export.list({ take: 100 })).items.map((j) => j.id)).not.toContain(mine.id);
    expect(await failure(() => colleague.export.get({ id: mine.id }))).toMatchObject({ code: 19001, trpc: "NOT_FOUND" });

    const adminList = await admin.export.list({ take: 100 });
    expect(adminList.items.map((j) => j.id)).not.toContain(platformJob.id);
    expect(await failure(() => admin.export.get({ id: platformJob.id }))).toMatchObject({ code: 19001, trpc: "NOT_FOUND" });
    expect(await failure(() => admin.export.get({ id: UNKNOWN }))).toMatchObject({ code: 19001 });
    // Operators too see only their own.
    expect((await op.export.list({ take: 100 })).items.map((j) => j.id)).toEqual([platformJob.id]);
    expect(await failure(() => op.export.get({ id: mine.id }))).toMatchObject({ code: 19001 });
  });

  it("answers bad input with field errors", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const get = await failure(() => admin.export.get({ id: "123" }));
    expect(get).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(get.fields!)).toEqual(["id"]);
    const list = await failure(() => admin.export.list({ status: "lost" as "done", take: -1 }));
    expect(Object.keys(list.fields!).sort()).toEqual(["status", "take"]);
  });

  it("needs uc.export.post to create and uc.export.get to look: 10002 without, 10001 anonymous", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const job = await admin.export.create({ resource: "roles", format: "csv" });
    const jobs = await jobCount();
    const plain = await w.callerFor(w.plainB.id);
    const anon = await w.callerFor(null);
    for (const c of [plain, anon]) {
      const expected = c === plain ? { code: 10002, trpc: "FORBIDDEN" } : { code: 10001, trpc: "UNAUTHORIZED" };
      expect(await failure(() => c.export.create({ resource: "roles", format: "csv" }))).toMatchObject(expected);
      expect(await failure(() => c.export.get({ id: job.id }))).toMatchObject(expected);
      expect(await failure(() => c.export.list({}))).toMatchObject(expected);
    }
    // A role that may see its jobs but not start one.
    const role = await db.role.create({ data: { tenantId: w.tenantB.id, name: "export-viewer", permissions: ["uc.export.get", "uc.role.get"] } });
    const viewer = await db.user.create({
      data: { tenantId: w.tenantB.id, userName: "exportviewer", userNameKey: "exportviewer", roles: { create: [{ roleId: role.id }] } },
    });
    const v = await w.callerFor(viewer.id);
    expect(await v.export.list({})).toEqual({ total: 0, items: [] });
    expect(await failure(() => v.export.create({ resource: "roles", format: "csv" }))).toMatchObject({ code: 10002 });
    expect(await jobCount()).toBe(jobs);
  });
});
