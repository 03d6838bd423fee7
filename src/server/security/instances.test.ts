/**
 * Two app instances on one database: every limit and every session state lives in PostgreSQL,
 * so what one instance records, the other enforces. Each "instance" is its own Prisma client
 * with its own connection pool, as two processes would have.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Challenge } from "altcha-lib";
import { setupWorld } from "~/test/fixtures";
import { solveCaptcha } from "~/test/captcha";
import { createPrismaClient } from "~/server/db-client";
import { accountLockedUntil, recordFailure } from "~/server/security/throttle";
import { createChallenge, verifyCaptcha } from "~/server/security/captcha";
import { createMessenger, messagingConfig } from "~/server/messaging";
import { consumeCode, sendCode } from "~/server/services/codes";
import { createLoginSession, loadActor } from "~/server/services/session";
import type { PrismaClient } from "~/generated/prisma/client";

const env = setupWorld();
let w: typeof env.w;
let a: PrismaClient;
let b: PrismaClient;
let closeB: (() => Promise<void>) | undefined;

beforeAll(async () => {
  w = env.w;
  a = env.db;
  if (env.url) {
    const second = createPrismaClient({ databaseUrl: env.url, dataDir: ".data/test" });
    b = second.db;
    closeB = second.close;
  }
});
afterAll(async () => {
  await closeB?.();
});

describe.runIf(process.env.TEST_DB !== "pglite")("two instances on one database", () => {
  it("share account locks", async () => {
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      await recordFailure(i % 2 ? a : b, { tenantId: w.tenantB.id, userId: w.plainB.id, ip: "10.4.0.1", now: new Date(t0 + i * 2000) });
    }
    expect(await accountLockedUntil(a, w.tenantB.id, w.plainB.id, { now: new Date(t0 + 9000) })).not.toBeNull();
    expect(await accountLockedUntil(b, w.tenantB.id, w.plainB.id, { now: new Date(t0 + 9000) })).not.toBeNull();
  });

  it("share codes: sent by one, used once by either", async () => {
    const target = "+86-13200000001";
    await sendCode(a, createMessenger(a, w.tenantB.id, messagingConfig({})), {
      tenantId: w.tenantB.id,
      purpose: "login",
      channel: "sms",
      target,
      ip: null,
      locale: "en",
      deliver: true,
      tenantName: "B",
    });
    const code = /(\d{6})/.exec((await b.outboxMessage.findFirstOrThrow({ where: { to: target } })).body)![1]!;
    const v = { tenantId: w.tenantB.id, purpose: "login" as const, channel: "sms" as const, target, code };
    const results = await Promise.allSettled([consumeCode(a, v), consumeCode(b, v)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("share session state: frozen on one, refused on the other at once", async () => {
    const s = await createLoginSession(a, { tenantId: w.tenantB.id, userId: w.managerB.id, site: "admin", method: "password" });
    expect(await loadActor(b, s.id, w.tenantB.id)).not.toBeNull();
    await a.loginSession.update({ where: { id: s.id }, data: { state: "frozen" } });
    expect(await loadActor(b, s.id, w.tenantB.id)).toBeNull();
  });

  it("share captcha replay protection", async () => {
    const key = "instances-test-key";
    const afs = await solveCaptcha((await createChallenge(key)) as Challenge);
    const results = await Promise.all([verifyCaptcha(a, key, afs), verifyCaptcha(b, key, afs)]);
    expect(results.sort()).toEqual([false, true]);
  });
});
