/**
 * The file router against a real database and the built-in store under a DATA_DIR of this
 * file's own: base64 uploads, usage, folders, list, detail, delete; tenants kept apart.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// ~/env copies process.env when it is first imported: DATA_DIR must be set before any import below.
const dataDir = vi.hoisted(() => {
  const previous = process.env.DATA_DIR;
  const dir = `${process.env.TMPDIR ?? "/tmp"}/uc-file-router-test-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return { dir, previous };
});

import { failure, setupWorld } from "~/test/fixtures";
import { jpegBytes, padded, pngBytes } from "~/test/fixtures/files";
import { forgetTenantSettings } from "~/server/services/tenant-settings";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
let devB: { id: string };
beforeAll(async () => {
  w = t.w;
  db = t.db;
  devB = await w.makeUser(w.tenantB.id, "filedev", ["developer"]);
});
afterAll(() => {
  rmSync(dataDir.dir, { recursive: true, force: true });
  if (dataDir.previous === undefined) delete process.env.DATA_DIR;
  else process.env.DATA_DIR = dataDir.previous;
});

const MB = 1024 * 1024;
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const b64 = (b: Buffer) => b.toString("base64");
const tenantDir = (tenantId: string) => path.join(dataDir.dir, "files", tenantId);
const onDisk = (tenantId: string) => (existsSync(tenantDir(tenantId)) ? readdirSync(tenantDir(tenantId)).sort() : []);
const keyOf = async (id: string) => (await db.storedFile.findUniqueOrThrow({ where: { id } })).storageKey;

describe("file.uploadBase64", () => {
  it("stores a PNG re-encoded under the tenant, as the caller's, with its checksum and an audit entry", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { ip: "192.0.2.50", userAgent: "Vitest/file" });
    const png = Buffer.concat([await pngBytes(32, 24), Buffer.from("<script>trailing</script>")]);
    const item = await admin.file.uploadBase64({ data: `data:image/png;base64,${b64(png)}`, name: "shot.png", folderName: "shots01" });
    expect(item).toMatchObject({
      tenantId: w.tenantB.id,
      ownerId: w.managerB.id,
      clientId: null,
      folder: "shots01",
      kind: "image",
      mime: "image/png",
      ext: "png",
      name: "shot.png",
      width: 32,
      height: 24,
    });
    const row = await db.storedFile.findUniqueOrThrow({ where: { id: item.id } });
    expect(item.url).toBe(`/api/files/${row.storageKey}`);
    const stored = readFileSync(path.join(tenantDir(w.tenantB.id), row.storageKey));
    expect(stored.includes(Buffer.from("<script>"))).toBe(false);
    expect(item.size).toBe(stored.length);
    expect(item.checksum).toBe(createHash("sha256").update(stored).digest("hex"));
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "file.create", recordId: item.id } });
    expect(audit).toMatchObject({ tenantId: w.tenantB.id, actorId: w.managerB.id, ip: "192.0.2.50", userAgent: "Vitest/file" });
    // No folder: today's.
    const today = await admin.file.uploadBase64({ data: b64(await pngBytes(4, 4)) });
    expect(today).toMatchObject({ name: "image.png", folder: expect.stringMatching(/^20\d{6}$/) });
  });

  it("refuses anything but a PNG (20001), an upload past the quota (20006), and bad input as field errors: no row, no bytes, no audit", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const rows = await db.storedFile.count();
    const files = onDisk(w.tenantB.id);
    const audits = await db.auditLog.count({ where: { action: "file.create" } });

    const jpeg = b64(await jpegBytes(8, 8));
    expect(await failure(() => admin.file.uploadBase64({ data: jpeg, name: "fake.png" }))).toMatchObject({
      code: 20001,
      trpc: "UNSUPPORTED_MEDIA_TYPE",
    });
    expect(await failure(() => admin.file.uploadBase64({ data: b64(Buffer.from("<html><body>hi</body></html>")) }))).toMatchObject({ code: 20001 });

    const bad = await failure(() => admin.file.uploadBase64({ data: "not base64!!", folderName: "x/y" }));
    expect(bad).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(bad.fields!).sort()).toEqual(["data", "folderName"]);
    const short = await failure(() => admin.file.uploadBase64({ data: "QUJD", name: "" }));
    expect(Object.keys(short.fields!).sort()).toEqual(["data", "name"]);

    await db.tenantProperty.create({ data: { tenantId: w.tenantB.id, key: "files.userQuotaMB", value: "1" } });
    forgetTenantSettings(w.tenantB.id);
    try {
      expect((await admin.file.usage()).userQuota).toBe(MB);
      const big = padded(await pngBytes(8, 8), MB + 1);
      expect(await failure(() => admin.file.uploadBase64({ data: b64(big) }))).toMatchObject({ code: 20006, trpc: "PAYLOAD_TOO_LARGE" });
    } finally {
      await db.tenantProperty.deleteMany({ where: { tenantId: w.tenantB.id, key: "files.userQuotaMB" } });
      forgetTenantSettings(w.tenantB.id);
    }

    expect(await db.storedFile.count()).toBe(rows);
    expect(onDisk(w.tenantB.id)).toEqual(files);
    expect(await db.auditLog.count({ where: { action: "file.create" } })).toBe(audits);
  });
});

describe("file: usage, folders, list, detail, delete", () => {
  it("reports my bytes and the tenant's against their quotas, and the folders in use", async () => {
    const dev = await w.callerFor(devB.id);
    const a = await dev.file.uploadBase64({ data: b64(await pngBytes(10, 10)), folderName: "devfolder1" });
    const b = await dev.file.uploadBase64({ data: b64(await pngBytes(12, 12)), folderName: "devfolder1" });
    const admin = await w.callerFor(w.managerB.id);
    const usage = await admin.file.usage();
    const sum = (where: object) => db.storedFile.aggregate({ where, _sum: { size: true } }).then((r) => r._sum.size ?? 0);
    expect(usage).toEqual({
      userBytes: await sum({ tenantId: w.tenantB.id, ownerId: w.managerB.id }),
      userQuota: 200 * MB,
      tenantBytes: await sum({ tenantId: w.tenantB.id }),
      tenantQuota: 5 * 1024 * MB,
    });
    expect(usage.tenantBytes - usage.userBytes).toBe(a.size + b.size);
    const folders = await admin.file.folders();
    expect(folders.find((f) => f.folder === "devfolder1")).toEqual({ folder: "devfolder1", count: 2 });
    expect(folders.find((f) => f.folder === "shots01")).toEqual({ folder: "shots01", count: 1 });
    expect(folders.map((f) => f.folder)).toEqual([...folders.map((f) => f.folder)].sort().reverse());
  });

  it("lists the tenant's files newest first, by folder, kind, owner or mine, with owners' names", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const all = await admin.file.list({ take: 100 });
    expect(all.total).toBe(await db.storedFile.count({ where: { tenantId: w.tenantB.id } }));
    const times = all.items.map((f) => f.createdAt.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
    const devs = await admin.file.list({ folder: "devfolder1" });
    expect(devs.items.map((f) => [f.ownerId, f.ownerName, f.width])).toEqual([
      [devB.id, "filedev", 12],
      [devB.id, "filedev", 10],
    ]);
    expect((await admin.file.list({ ownerId: devB.id })).total).toBe(2);
    expect((await admin.file.list({ mine: true })).items.every((f) => f.ownerId === w.managerB.id)).toBe(true);
    expect((await admin.file.list({ mine: true })).total).toBe(2);
    expect((await admin.file.list({ kind: "video" })).total).toBe(0);
    expect((await admin.file.list({ folder: "devfolder1", take: 1, skip: 1 })).items.map((f) => f.width)).toEqual([10]);
    const bad = await failure(() => admin.file.list({ kind: "exe" as "image", ownerId: "me" }));
    expect(Object.keys(bad.fields!).sort()).toEqual(["kind", "ownerId"]);
  });

  it("shows a file's detail and deletes it with its bytes and an audit entry", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { ip: "192.0.2.51" });
    const item = await admin.file.uploadBase64({ data: b64(await pngBytes(6, 6)), folderName: "todelete1" });
    expect(await admin.file.detail({ id: item.id })).toEqual({ ...item, ownerName: null });
    const key = await keyOf(item.id);
    expect(onDisk(w.tenantB.id)).toContain(key);
    expect(await admin.file.delete({ id: item.id })).toEqual({ id: item.id });
    expect(await db.storedFile.count({ where: { id: item.id } })).toBe(0);
    expect(onDisk(w.tenantB.id)).not.toContain(key);
    expect(await failure(() => admin.file.detail({ id: item.id }))).toMatchObject({ code: 20008, trpc: "NOT_FOUND" });
    expect(await failure(() => admin.file.delete({ id: item.id }))).toMatchObject({ code: 20008 });
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "file.delete", recordId: item.id } });
    expect(audit).toMatchObject({ tenantId: w.tenantB.id, actorId: w.managerB.id, ip: "192.0.2.51" });
    expect(audit.before).toMatchObject({ name: "image.png", folder: "todelete1" });
    expect(Object.keys((await failure(() => admin.file.detail({ id: "x" }))).fields!)).toEqual(["id"]);
  });
});

describe("file: tenants apart, guards", () => {
  it("keeps the platform's files from tenant B's administrator: not listed or counted, detail/delete 20008, bytes kept", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    const theirs = await op.file.uploadBase64({ data: b64(await pngBytes(9, 9)), folderName: "platform01" });
    expect(theirs.tenantId).toBe(w.platform.id);
    const key = await keyOf(theirs.id);
    expect(onDisk(w.platform.id)).toContain(key);

    const admin = await w.callerFor(w.managerB.id);
    expect((await admin.file.list({ take: 100 })).items.map((f) => f.id)).not.toContain(theirs.id);
    expect((await admin.file.list({ ownerId: w.operator.id })).total).toBe(0);
    expect((await admin.file.folders()).map((f) => f.folder)).not.toContain("platform01");
    expect((await admin.file.usage()).tenantBytes).toBe((await db.storedFile.aggregate({ where: { tenantId: w.tenantB.id }, _sum: { size: true } }))._sum.size);
    expect(await failure(() => admin.file.detail({ id: theirs.id }))).toMatchObject({ code: 20008, trpc: "NOT_FOUND" });
    expect(await failure(() => admin.file.delete({ id: theirs.id }))).toMatchObject({ code: 20008 });
    expect(await failure(() => admin.file.detail({ id: UNKNOWN }))).toMatchObject({ code: 20008 });
    expect(await db.storedFile.count({ where: { id: theirs.id } })).toBe(1);
    expect(onDisk(w.platform.id)).toContain(key);
    expect(await db.auditLog.count({ where: { action: "file.delete", recordId: theirs.id } })).toBe(0);

    // An operator works on the files of the host's tenant.
    const opOnB = await w.callerFor(w.operator.id, w.tenantB);
    const onB = await opOnB.file.list({ take: 100 });
    expect(onB.items.every((f) => f.tenantId === w.tenantB.id)).toBe(true);
    expect(onB.items.map((f) => f.id)).not.toContain(theirs.id);
    expect((await op.file.list({ take: 100 })).items.map((f) => f.id)).toEqual([theirs.id]);
  });

  it("needs each operation's permission: 10002 without it, 10001 anonymous", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const target = await admin.file.uploadBase64({ data: b64(await pngBytes(5, 5)), folderName: "guarded01" });
    const rows = await db.storedFile.count();
    const png = b64(await pngBytes(3, 3));
    const plain = await w.callerFor(w.plainB.id);
    const anon = await w.callerFor(null);
    const calls = (c: typeof plain) => [
      () => c.file.usage(),
      () => c.file.folders(),
      () => c.file.uploadBase64({ data: png }),
      () => c.file.list({}),
      () => c.file.detail({ id: target.id }),
      () => c.file.delete({ id: target.id }),
    ];
    for (const call of calls(plain)) expect(await failure(call)).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    for (const call of calls(anon)) expect(await failure(call)).toMatchObject({ code: 10001, trpc: "UNAUTHORIZED" });
    // Developers may upload (uc.file.post) but not browse or delete the library.
    const dev = await w.callerFor(devB.id);
    expect(await failure(() => dev.file.list({}))).toMatchObject({ code: 10002 });
    expect(await failure(() => dev.file.detail({ id: target.id }))).toMatchObject({ code: 10002 });
    expect(await failure(() => dev.file.delete({ id: target.id }))).toMatchObject({ code: 10002 });
    expect(await db.storedFile.count()).toBe(rows);
    expect(onDisk(w.tenantB.id)).toContain(await keyOf(target.id));
    // The error table is public.
    const codes = (await anon.file.errorCodes()).map((e) => e.code);
    expect(codes.filter((c) => c >= 20000)).toEqual([20001, 20002, 20003, 20004, 20005, 20006, 20007, 20008, 20009, 20010, 20011]);
  });
});
