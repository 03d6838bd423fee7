import { Writable } from "node:stream";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { codegenRoot } from "~/server/codegen/previews";
import { createLogger, setRootLog } from "~/server/log";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { setupWorld } from "~/test/fixtures";
import { createPrismaClient } from "~/server/db-client";
import { runHousekeeping } from "~/server/jobs/housekeeping";

const t = setupWorld();
let w: typeof t.w;
beforeAll(() => {
  w = t.w;
});

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms);
const ahead = (ms: number) => new Date(Date.now() + ms);
const sweep = (opts: Parameters<typeof runHousekeeping>[1] = {}) => runHousekeeping(t.db, { kind: t.kind, ...opts });

describe("housekeeping", () => {
  it("removes each kind of row past its retention and keeps it before", async () => {
    const T = w.tenantB.id;
    const code = (target: string, createdAt: Date, expiresAt: Date) => ({
      tenantId: T,
      purpose: "login",
      channel: "sms",
      target,
      codeHash: "h",
      createdAt,
      expiresAt,
    });
    await t.db.verificationCode.createMany({
      data: [
        code("hk-old", ago(2 * DAY), ago(2 * DAY - 300_000)), // expired, outside the per-day count: goes
        code("hk-today", ago(3_600_000), ago(3_300_000)), // expired but still counted for today's limit: stays
        code("hk-live", ago(60_000), ahead(240_000)), // live: stays
      ],
    });
    await t.db.usedNonce.createMany({
      data: [
        { id: "hk-nonce-old", kind: "captcha", expiresAt: ago(1000) },
        { id: "hk-nonce-live", kind: "captcha", expiresAt: ahead(60_000) },
      ],
    });
    await t.db.authThrottle.createMany({
      data: [
        { key: "ip:hk-quiet", failures: 3, windowStart: ago(DAY), lastFailureAt: ago(DAY), updatedAt: ago(DAY) }, // quiet for a day: goes
        { key: "ip:hk-recent", failures: 3, windowStart: ago(600_000), lastFailureAt: ago(60_000), updatedAt: ago(60_000) }, // stays
        {
          key: "acct:hk:locked",
          failures: 5,
          lockLevel: 3,
          windowStart: ago(2 * DAY),
          lastFailureAt: ago(2 * DAY),
          updatedAt: ago(2 * DAY),
          lockedUntil: ahead(600_000),
        }, // lock in force: stays
        { key: "acct:hk:counting", failures: 2, windowStart: ago(2 * DAY), lastFailureAt: ago(3_600_000), updatedAt: ago(3_600_000) }, // failure an hour ago: stays
      ],
    });
    const intent = (fileKey: string, expiresAt: Date) => ({ fileKey, slug: "image", metadata: {}, callbackUrl: "http://127.0.0.1/cb", expiresAt });
    await t.db.uploadIntent.createMany({ data: [intent("hk-intent-old", ago(1000)), intent("hk-intent-live", ahead(3_600_000))] });
    const msg = (to: string, createdAt: Date) => ({ channel: "sms", to, body: "x", provider: "outbox", status: "stored", createdAt });
    await t.db.outboxMessage.createMany({ data: [msg("hk-31d", ago(31 * DAY)), msg("hk-29d", ago(29 * DAY))] });

    const session = (name: string, data: Record<string, unknown>) => ({
      tenantId: T,
      userId: w.plainB.id,
      site: "web",
      method: "password",
      name,
      createdAt: ago(200 * DAY),
      lastSeenAt: ago(1000),
      expiresAt: ahead(DAY),
      ...data,
    });
    await t.db.loginSession.createMany({
      data: [
        session("hk-ended-old", { state: "ended", endedAt: ago(91 * DAY), lastSeenAt: ago(91 * DAY), expiresAt: ago(80 * DAY) }), // goes
        session("hk-offline-old", { state: "offline", endedAt: ago(95 * DAY), expiresAt: ahead(DAY) }), // goes
        session("hk-ended-young", { state: "ended", endedAt: ago(89 * DAY), expiresAt: ago(80 * DAY) }), // stays
        session("hk-expired-old", { state: "active", expiresAt: ago(91 * DAY), lastSeenAt: ago(92 * DAY) }), // can never be used again: goes
        session("hk-frozen-bin-old", { state: "frozen", deletedAt: ago(91 * DAY) }), // in the recycle bin past the retention: goes
        session("hk-frozen-bin-young", { state: "frozen", deletedAt: ago(10 * DAY) }), // the bin still shows it: stays
        session("hk-ended-bin-young", { state: "ended", endedAt: ago(120 * DAY), deletedAt: ago(10 * DAY), expiresAt: ago(100 * DAY) }), // the bin still shows it: stays
        session("hk-active-bin-old", { state: "active", deletedAt: ago(91 * DAY) }), // active: never deleted
        session("hk-active", { state: "active", lastSeenAt: ago(1000) }), // stays
        session("hk-frozen", { state: "frozen", lastSeenAt: ago(100 * DAY) }), // an administrator may unfreeze it: stays
      ],
    });

    const oidc = (model: string, id: string, expiresAt: Date | null) => ({ model, id, tenantId: T, payload: {}, expiresAt });
    await t.db.oidcPayload.createMany({
      data: [oidc("AccessToken", "hk-at-old", ago(1000)), oidc("RefreshToken", "hk-rt-live", ahead(DAY)), oidc("Session", "hk-no-expiry", null)],
    });

    const api = await t.db.apiResource.create({ data: { tenantId: T, name: "hk-api" } });
    const subscriber = (email: string, data: Record<string, unknown>) => ({
      tenantId: T,
      apiResourceId: api.id,
      email,
      locale: "en",
      origin: "https://b.test",
      ...data,
    });
    await t.db.apiSubscriber.createMany({
      data: [
        subscriber("hk-unconfirmed-old@x.test", { confirmSentAt: ago(DAY + 60_000) }), // its link long expired: goes
        subscriber("hk-unconfirmed-young@x.test", { confirmSentAt: ago(3_600_000) }), // stays
        subscriber("hk-confirmed-old@x.test", { confirmSentAt: ago(100 * DAY), confirmedAt: ago(100 * DAY) }), // confirmed: stays
      ],
    });

    const result = await sweep();
    expect(result.status).toBe("done");
    if (result.status !== "done") return;
    expect(result.counts).toMatchObject({ codes: 1, nonces: 1, throttle: 1, uploadIntents: 1, outbox: 1, sessions: 4, oidc: 1, subscribers: 1 });
    expect((await t.db.apiSubscriber.findMany({ where: { apiResourceId: api.id }, orderBy: { email: "asc" } })).map((r) => r.email)).toEqual([
      "hk-confirmed-old@x.test",
      "hk-unconfirmed-young@x.test",
    ]);
    expect((await t.db.oidcPayload.findMany({ where: { id: { startsWith: "hk-" } } })).map((r) => r.id).sort()).toEqual(["hk-no-expiry", "hk-rt-live"]);

    expect((await t.db.verificationCode.findMany({ where: { target: { startsWith: "hk-" } } })).map((c) => c.target).sort()).toEqual(["hk-live", "hk-today"]);
    expect((await t.db.usedNonce.findMany({ where: { id: { startsWith: "hk-" } } })).map((n) => n.id)).toEqual(["hk-nonce-live"]);
    expect((await t.db.authThrottle.findMany({ where: { key: { contains: "hk" } } })).map((r) => r.key).sort()).toEqual([
      "acct:hk:counting",
      "acct:hk:locked",
      "ip:hk-recent",
    ]);
    expect((await t.db.uploadIntent.findMany({ where: { fileKey: { startsWith: "hk-" } } })).map((r) => r.fileKey)).toEqual(["hk-intent-live"]);
    expect((await t.db.outboxMessage.findMany({ where: { to: { startsWith: "hk-" } } })).map((r) => r.to)).toEqual(["hk-29d"]);
    expect((await t.db.loginSession.findMany({ where: { name: { startsWith: "hk-" } } })).map((s) => s.name).sort()).toEqual([
      "hk-active",
      "hk-active-bin-old",
      "hk-ended-bin-young",
      "hk-ended-young",
      "hk-frozen",
      "hk-frozen-bin-young",
    ]);
    // Nothing left to do: a second run deletes nothing.
    const again = await sweep();
    expect(again.status === "done" && Object.values(again.counts).every((n) => n === 0)).toBe(true);
  });

  it("removes preview folders past their retention and folders without a run, never through a link or outside the root", async () => {
    const T = w.tenantB.id;
    const api = await t.db.apiResource.create({ data: { tenantId: T, name: "hk-codegen-api" } });
    const run = (data: { status: "succeeded" | "running" | "failed"; createdAt: Date; finishedAt: Date | null }) =>
      t.db.codegenHistory.create({ data: { tenantId: T, apiResourceId: api.id, kind: "preview", generatorId: "typescript", language: "typescript", ...data } });
    const oldRun = await run({ status: "succeeded", createdAt: ago(26 * 3_600_000), finishedAt: ago(25 * 3_600_000) });
    const youngRun = await run({ status: "succeeded", createdAt: ago(3_600_000), finishedAt: ago(3_500_000) });
    // A row left "running" by a process that died a day ago; one started a minute ago may really be running.
    const lostRun = await run({ status: "running", createdAt: ago(25 * 3_600_000), finishedAt: null });
    const runningRun = await run({ status: "running", createdAt: ago(60_000), finishedAt: null });
    const outside = await mkdtemp(path.join(os.tmpdir(), "uc-hk-outside-"));
    await writeFile(path.join(outside, "keep.txt"), "not ours");
    const outsideRun = path.join(outside, randomUUID());
    await mkdir(outsideRun);
    const old = ago(30 * 3_600_000);
    const folder = async (...parts: string[]) => {
      const dir = path.join(codegenRoot(), ...parts);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, "index.ts"), "export {};");
      return dir;
    };
    const dirs = {
      old: await folder(T, oldRun.id),
      young: await folder(T, youngRun.id),
      lost: await folder(T, lostRun.id),
      running: await folder(T, runningRun.id),
      orphanOld: await folder(T, randomUUID()),
      orphanYoung: await folder(T, randomUUID()),
      strayOld: await folder(`hk-not-a-tenant-${randomUUID()}`, "leftover"),
    };
    // Links: inside an expired folder (rm must unlink it, not empty its target), as a run folder, and as a tenant folder.
    await symlink(outside, path.join(dirs.old, "escape"));
    await symlink(outside, path.join(codegenRoot(), T, randomUUID()));
    const linkTenant = path.join(codegenRoot(), randomUUID());
    await symlink(outside, linkTenant);
    // Every folder looks old on disk (the young and running runs too: their rows decide), but the young orphan.
    for (const dir of [dirs.old, dirs.young, dirs.lost, dirs.running, dirs.orphanOld, dirs.strayOld, outsideRun, outside]) await utimes(dir, old, old);
    await utimes(path.dirname(dirs.strayOld), old, old);
    try {
      const result = await sweep();
      expect(result.status === "done" && result.counts.codegenPreviews).toBe(4);
      expect(existsSync(dirs.old)).toBe(false);
      expect(existsSync(dirs.lost)).toBe(false);
      expect(existsSync(dirs.orphanOld)).toBe(false);
      expect(existsSync(dirs.strayOld)).toBe(false);
      // An emptied folder that is not a tenant's current one goes too.
      expect(existsSync(path.dirname(dirs.strayOld))).toBe(false);
      expect(existsSync(path.join(dirs.young, "index.ts"))).toBe(true);
      expect(existsSync(path.join(dirs.running, "index.ts"))).toBe(true);
      expect(existsSync(path.join(dirs.orphanYoung, "index.ts"))).toBe(true);
      // Nothing behind a link was touched; the links themselves were not followed.
      expect(existsSync(path.join(outside, "keep.txt"))).toBe(true);
      expect(existsSync(outsideRun)).toBe(true);
      expect(existsSync(linkTenant)).toBe(true);
      // The rows stay (the history keeps them); a second sweep has nothing to do.
      expect(await t.db.codegenHistory.count({ where: { apiResourceId: api.id } })).toBe(4);
      const again = await sweep();
      expect(again.status === "done" && again.counts.codegenPreviews).toBe(0);
    } finally {
      await rm(linkTenant, { force: true });
      await rm(outside, { recursive: true, force: true });
      await rm(path.join(codegenRoot(), T), { recursive: true, force: true });
    }
  });

  it("deletes in bounded batches and leaves a backlog past maxBatches for the next run", async () => {
    await t.db.usedNonce.createMany({ data: Array.from({ length: 25 }, (_, i) => ({ id: `hk-batch-${i}`, kind: "captcha", expiresAt: ago(1000) })) });
    const spy = vi.spyOn(t.db, "$executeRaw");
    const first = await sweep({ batchSize: 10, maxBatches: 2 });
    expect(first.status === "done" && first.counts.nonces).toBe(20);
    expect(await t.db.usedNonce.count({ where: { id: { startsWith: "hk-batch-" } } })).toBe(5);
    // Each DELETE statement took at most one batch.
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(7);
    expect(spy.mock.calls.every((c) => String((c[0] as unknown as string[]).join("?")).includes("LIMIT"))).toBe(true);
    spy.mockRestore();
    const second = await sweep({ batchSize: 10, maxBatches: 2 });
    expect(second.status === "done" && second.counts.nonces).toBe(5);
  });

  it("logs its counts as one JSON line", async () => {
    let captured = "";
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        captured += chunk.toString("utf8");
        done();
      },
    });
    const previous = setRootLog(createLogger(sink, "info"));
    try {
      await sweep();
      const lines = captured
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { msg: string; level: number; status: string; counts: Record<string, number> });
      const line = lines.filter((l) => l.msg === "housekeeping").at(-1)!;
      expect(line).toMatchObject({ msg: "housekeeping", status: "done", level: 30 });
      expect(Object.keys(line.counts).sort()).toEqual([
        "activityDeltas",
        "codegenPreviews",
        "codes",
        "exports",
        "jobs",
        "nonces",
        "oidc",
        "outbox",
        "sessions",
        "signInFailures",
        "subscribers",
        "throttle",
        "uploadIntents",
      ]);
    } finally {
      setRootLog(previous);
    }
  });

  it.skipIf(process.env.TEST_DB === "pglite")("two instances sweeping at once: one sweeps, the other reports skipped", async () => {
    const second = createPrismaClient({ databaseUrl: t.url!, dataDir: ".data/test" }).db;
    try {
      let release!: () => void;
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const first = sweep({ beforeSweep: () => (entered(), new Promise<void>((r) => (release = r))) });
      await inside;
      const other = await runHousekeeping(second, { kind: "postgresql" });
      expect(other).toEqual({ status: "skipped" });
      release();
      expect((await first).status).toBe("done");
      // Once the first has finished, the other may sweep.
      expect((await runHousekeeping(second, { kind: "postgresql" })).status).toBe("done");
    } finally {
      await second.$disconnect();
    }
  });

  it("releases the lock after an error", async () => {
    await expect(sweep({ beforeSweep: () => Promise.reject(new Error("disk on fire")) })).rejects.toThrow("disk on fire");
    expect((await sweep()).status).toBe("done");
  });
});
