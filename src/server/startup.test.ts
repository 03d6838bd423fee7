/**
 * Instances that agree on their keys: the start-up key check, one active signing key however
 * many instances start at once, the JWKS published from the first start, and secrets that
 * cannot be decrypted reported as errors. Two "instances" are two Prisma clients with their own
 * pools on one PostgreSQL database, as two processes would have.
 */
import { Writable } from "node:stream";
import { createLogger, setRootLog, type Logger } from "~/server/log";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDb } from "~/test/db";
import { setupWorld } from "~/test/fixtures";
import { createPrismaClient } from "~/server/db-client";
import { encryptSecret } from "~/server/crypto";
import { getSecrets, type Secrets } from "~/server/secrets";
import { SecretMismatchError, checkInstanceSecrets, secretCheckValues } from "~/server/startup";
import { prepareInstance } from "~/server/prepare-instance";
import { ensureSigningKey, publicJwks, rotateSigningKey, signSessionToken } from "~/server/services/tokens";
import { forgetTenantSettings, tenantSettings } from "~/server/services/tenant-settings";
import { messagingConfig } from "~/server/messaging";
import type { PrismaClient } from "~/generated/prisma/client";

/** The error a call rejects with (any kind, unlike the fixtures' `failure`). */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected the call to fail");
}

const newSecrets = (): Secrets => ({ authSecret: randomBytes(32).toString("base64url"), encryptionKey: randomBytes(32) });

type TestDb = Awaited<ReturnType<typeof createTestDb>>;
const dbs: TestDb[] = [];
async function freshDb() {
  const env = await createTestDb();
  dbs.push(env);
  return env;
}
afterAll(async () => {
  for (const env of dbs) await env.cleanup();
});

describe("the start-up key check", () => {
  it("is written by the first instance, passes for the same keys, and refuses others naming the variable to set", async () => {
    const { db } = await freshDb();
    const first = newSecrets();
    await checkInstanceSecrets(db, first);
    await checkInstanceSecrets(db, first);
    // The database holds check values, never the keys.
    const rows = await db.secretCheck.findMany({ orderBy: { name: "asc" } });
    expect(rows.map((r) => r.name)).toEqual(["ENCRYPTION_KEY", "NEXTAUTH_SECRET"]);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(first.authSecret);
    expect(dump).not.toContain(first.encryptionKey.toString("hex"));
    expect(rows.find((r) => r.name === "NEXTAUTH_SECRET")?.check).toBe(secretCheckValues(first).NEXTAUTH_SECRET);

    const otherAuth = await rejection(() => checkInstanceSecrets(db, { ...first, authSecret: newSecrets().authSecret }));
    expect(otherAuth).toBeInstanceOf(SecretMismatchError);
    expect((otherAuth as SecretMismatchError).variables).toEqual(["NEXTAUTH_SECRET"]);
    expect((otherAuth as Error).message).toMatch(/set NEXTAUTH_SECRET in this instance's environment to the first instance's value/);
    expect((otherAuth as Error).message).not.toContain("ENCRYPTION_KEY in");

    const otherKey = (await rejection(() => checkInstanceSecrets(db, { ...first, encryptionKey: randomBytes(32) }))) as SecretMismatchError;
    expect(otherKey.variables).toEqual(["ENCRYPTION_KEY"]);
    expect(otherKey.message).toContain("set ENCRYPTION_KEY");

    const both = (await rejection(() => checkInstanceSecrets(db, newSecrets()))) as SecretMismatchError;
    expect(both.variables).toEqual(["NEXTAUTH_SECRET", "ENCRYPTION_KEY"]);
    expect(both.message).toContain("set NEXTAUTH_SECRET and ENCRYPTION_KEY");
    // The refused instances changed nothing.
    expect(await db.secretCheck.findMany({ orderBy: { name: "asc" } })).toEqual(rows);
  });

  it("on a database from before the check, refuses an ENCRYPTION_KEY that cannot decrypt the existing signing keys", async () => {
    const { db } = await freshDb();
    const first = newSecrets();
    await db.signingKey.create({ data: { id: "legacy", publicJwk: {}, privateJwk: encryptSecret("{}", first.encryptionKey) } });
    const refused = (await rejection(() => checkInstanceSecrets(db, newSecrets()))) as SecretMismatchError;
    expect(refused).toBeInstanceOf(SecretMismatchError);
    expect(refused.variables).toEqual(["ENCRYPTION_KEY"]);
    expect(await db.secretCheck.count()).toBe(0);
    await checkInstanceSecrets(db, first);
    expect(await db.secretCheck.count()).toBe(2);
  });

  it("lets one of two first instances starting at once win, and refuses the other", async () => {
    const { db, url } = await freshDb();
    const second = url ? createPrismaClient({ databaseUrl: url, dataDir: ".data/test" }) : null;
    try {
      const [x, y] = [newSecrets(), newSecrets()];
      const results = await Promise.allSettled([checkInstanceSecrets(db, x), checkInstanceSecrets(second?.db ?? db, y)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      // Both keys of the loser are reported, not half of each instance's pair written.
      expect((lost.reason as SecretMismatchError).variables).toEqual(["NEXTAUTH_SECRET", "ENCRYPTION_KEY"]);
    } finally {
      await second?.close();
    }
  });
});

describe("server start (instrumentation)", () => {
  it("exits before serving when the keys do not match, with the message; starts and creates the signing key when they do", async () => {
    const { db } = await freshDb();
    await checkInstanceSecrets(db, newSecrets());
    vi.resetModules();
    vi.doMock("~/server/db", () => ({ db, dbKind: "postgresql" }));
    const exit = vi.spyOn(process, "exit").mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const saved = { runtime: process.env.NEXT_RUNTIME, worker: process.env.UC_EXPORT_WORKER, sweep: process.env.UC_HOUSEKEEPING };
    process.env.NEXT_RUNTIME = "nodejs";
    process.env.UC_EXPORT_WORKER = "off";
    process.env.UC_HOUSEKEEPING = "off";
    // server.mjs listens only once the app reports ready (see APP_READY): never for a refused start.
    const { APP_READY, FAST_API } = await import("~/server/http-front.js");
    const g = globalThis as Record<symbol, unknown>;
    const ready = vi.fn((r: { warmed: () => void }) => {
      expect(typeof g[FAST_API]).toBe("object"); // the API handlers are published first
      expect(typeof r.warmed).toBe("function");
    });
    g[APP_READY] = ready;
    try {
      const { register } = await import("~/instrumentation");
      await expect(register()).rejects.toThrow("exit 1");
      expect(ready).not.toHaveBeenCalled();
      expect(String(logged.mock.calls[0]?.[0])).toMatch(/^Refusing to start: .*set NEXTAUTH_SECRET and ENCRYPTION_KEY/);
      expect(await db.signingKey.count()).toBe(0);
      // With the keys the database was started with, it starts and publishes a key.
      await db.secretCheck.deleteMany();
      await register();
      expect(exit).toHaveBeenCalledTimes(1);
      expect((await publicJwks(db)).keys).toHaveLength(1);
      expect(ready).toHaveBeenCalledTimes(1);
    } finally {
      delete g[APP_READY];
      process.env.NEXT_RUNTIME = saved.runtime;
      process.env.UC_EXPORT_WORKER = saved.worker;
      if (saved.runtime === undefined) delete process.env.NEXT_RUNTIME;
      if (saved.worker === undefined) delete process.env.UC_EXPORT_WORKER;
      if (saved.sweep === undefined) delete process.env.UC_HOUSEKEEPING;
      else process.env.UC_HOUSEKEEPING = saved.sweep;
      exit.mockRestore();
      logged.mockRestore();
      vi.doUnmock("~/server/db");
      vi.resetModules();
    }
  });
});

describe("signing keys", () => {
  let a: PrismaClient;
  let b: PrismaClient;
  let closeB: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const env = await freshDb();
    a = env.db;
    b = env.db;
    if (env.url) {
      const second = createPrismaClient({ databaseUrl: env.url, dataDir: ".data/test" });
      b = second.db;
      closeB = second.close;
    }
  });
  afterAll(async () => {
    await closeB?.();
  });

  it("two instances starting at once, and signing at once, create one active key", async () => {
    const claims = { sessionId: "00000000-0000-0000-0000-000000000000", userId: "u", tenantId: "t", expiresAt: new Date(Date.now() + 60_000) };
    await Promise.all([
      ensureSigningKey(a),
      ensureSigningKey(b),
      signSessionToken(a, claims),
      signSessionToken(b, claims),
      ensureSigningKey(a),
      ensureSigningKey(b),
    ]);
    expect(await a.signingKey.count({ where: { retiredAt: null } })).toBe(1);
    // Rotations at once retire each other's keys: still exactly one active afterwards.
    await Promise.all([rotateSigningKey(a), rotateSigningKey(b)]);
    expect(await a.signingKey.count({ where: { retiredAt: null } })).toBe(1);
    expect(await a.signingKey.count()).toBe(3);
  });

  it("the JWKS has a key right after the start-up seed, before any token", async () => {
    const { db } = await freshDb();
    expect((await publicJwks(db)).keys).toHaveLength(0);
    await prepareInstance(db, { adminUsername: "admin", adminPassword: "operator-pass-1", secrets: getSecrets() });
    const { keys } = await publicJwks(db);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(keys[0]).not.toHaveProperty("d");
    // A second start keeps the same key.
    await prepareInstance(db, { adminUsername: "admin", adminPassword: "operator-pass-1", secrets: getSecrets() });
    expect((await publicJwks(db)).keys).toEqual(keys);
  });

  it("the start-up seed refuses a mismatched instance before writing anything", async () => {
    const { db } = await freshDb();
    await prepareInstance(db, { adminUsername: "admin", adminPassword: "operator-pass-1", secrets: getSecrets() });
    const users = await db.user.count();
    const refused = await rejection(() => prepareInstance(db, { adminUsername: "other-admin", adminPassword: "operator-pass-1", secrets: newSecrets() }));
    expect(refused).toBeInstanceOf(SecretMismatchError);
    expect(await db.user.count()).toBe(users);
  });
});

describe("secret tenant properties that cannot be decrypted", () => {
  const t = setupWorld();
  // The log lines at error level, captured from the logger.
  let errors: string[] = [];
  let previous: Logger;
  beforeEach(() => {
    errors = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString("utf8").split("\n").filter(Boolean)) {
          const line = JSON.parse(l) as { level: number; msg: string };
          if (line.level >= 50) errors.push(line.msg);
        }
        done();
      },
    });
    previous = setRootLog(createLogger(sink, "info"));
  });
  afterEach(() => {
    setRootLog(previous);
  });

  it("are an error where they are read and in the log, never unset; the rest of the settings work", async () => {
    const { db, w } = t;
    const foreignKey = randomBytes(32);
    await db.tenantProperty.createMany({
      data: [
        { tenantId: w.tenantB.id, key: "sms.provider", value: "aliyun", secret: false },
        { tenantId: w.tenantB.id, key: "sms.aliyun.accessKeyId", value: "AK", secret: false },
        { tenantId: w.tenantB.id, key: "sms.aliyun.accessKeySecret", value: encryptSecret("s3cret", foreignKey), secret: true },
        { tenantId: w.tenantB.id, key: "wechat.appSecret", value: encryptSecret("readable"), secret: true },
      ],
    });
    forgetTenantSettings(w.tenantB.id);
    const settings = await tenantSettings(db, w.tenantB.id);
    expect(settings["sms.provider"]).toBe("aliyun");
    expect(settings["wechat.appSecret"]).toBe("readable");
    expect("sms.aliyun.accessKeySecret" in settings).toBe(true);
    expect(() => settings["sms.aliyun.accessKeySecret"]).toThrow(expect.objectContaining({ appCode: 11005 }));
    // Sending codes through that provider fails saying why, instead of falling back to the outbox.
    expect(() => messagingConfig(settings)).toThrow(expect.objectContaining({ appCode: 11005 }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/"sms\.aliyun\.accessKeySecret" cannot be decrypted with this instance's ENCRYPTION_KEY/);
    expect(errors[0]).not.toContain("s3cret");

    // The console's tenant detail flags it (and only it).
    const op = await w.callerFor(w.operator.id, w.platform);
    const detail = await op.tenant.detail({ id: w.tenantB.id });
    const props = Object.fromEntries(detail.properties.map((p) => [p.key, p]));
    expect(props["sms.aliyun.accessKeySecret"]).toMatchObject({ secret: true, isSet: true, value: null, undecryptable: true });
    expect(props["wechat.appSecret"]?.undecryptable).toBeFalsy();
    expect(JSON.stringify(detail)).not.toContain("readable");
  });
});
