import { randomBytes } from "node:crypto";
import { solveChallenge } from "altcha-lib";
import { solveCaptcha } from "~/test/captcha";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "~/generated/prisma/client";
import { createTestDb } from "~/test/db";
import { createChallenge, purgeExpiredNonces, verifyCaptcha } from "./captcha";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
});
afterAll(() => cleanup());

const key = randomBytes(32).toString("hex");
const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");

const solve = solveCaptcha;

describe("ALTCHA captcha", () => {
  it("issues a PBKDF2 challenge valid for 10 minutes that solves quickly", async () => {
    const now = new Date();
    const challenge = await createChallenge(key, { now });
    expect(challenge.parameters.algorithm).toBe("PBKDF2/SHA-256");
    expect(challenge.parameters.expiresAt).toBe(Math.floor(now.getTime() / 1000) + 600);
    expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/);
    const started = performance.now();
    await solve(challenge);
    // One Node thread; the widget spreads the search over every core.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("accepts a solved challenge once, and records it", async () => {
    const challenge = await createChallenge(key);
    const afs = await solve(challenge);
    expect(await verifyCaptcha(db, key, afs)).toBe(true);
    expect(await verifyCaptcha(db, key, afs)).toBe(false);
    const rows = await db.usedNonce.findMany({ where: { kind: "captcha" } });
    expect(rows.some((r) => r.expiresAt.getTime() === (challenge.parameters.expiresAt ?? 0) * 1000)).toBe(true);
  });

  it("lets exactly one of two racing requests use a payload", async () => {
    const afs = await solve(await createChallenge(key));
    const results = await Promise.all([verifyCaptcha(db, key, afs), verifyCaptcha(db, key, afs)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("refuses expired challenges", async () => {
    const old = await createChallenge(key, { now: new Date(Date.now() - 11 * 60_000) });
    expect(await verifyCaptcha(db, key, await solve(old))).toBe(false);
    const fresh = await solve(await createChallenge(key));
    expect(await verifyCaptcha(db, key, fresh, new Date(Date.now() + 11 * 60_000))).toBe(false);
    expect(await verifyCaptcha(db, key, fresh)).toBe(true); // refusals above did not burn it
  });

  it("refuses forged, tampered and malformed payloads", async () => {
    const challenge = await createChallenge(key);
    const solution = await solveChallenge({ challenge, deriveKey });
    if (!solution) throw new Error("unsolved");
    const { parameters, signature } = challenge;
    const payload = (p: object, s: object = solution, sig = signature) => encode({ challenge: { parameters: p, signature: sig }, solution: s });

    // Signed with another key.
    expect(await verifyCaptcha(db, randomBytes(32).toString("hex"), payload(parameters))).toBe(false);
    // Parameters changed after signing: a later expiry, an easier prefix.
    expect(await verifyCaptcha(db, key, payload({ ...parameters, expiresAt: (parameters.expiresAt ?? 0) + 3600 }))).toBe(false);
    expect(await verifyCaptcha(db, key, payload({ ...parameters, keyPrefix: "00" }))).toBe(false);
    // Wrong solution; no signature; unsigned challenge of our own making; the widget's test mode.
    expect(await verifyCaptcha(db, key, payload(parameters, { ...solution, derivedKey: "00".repeat(32) }))).toBe(false);
    expect(await verifyCaptcha(db, key, encode({ challenge: { parameters }, solution }))).toBe(false);
    expect(await verifyCaptcha(db, key, encode({ challenge: null, solution: null, test: true }))).toBe(false);
    expect(await verifyCaptcha(db, key, "not base64 at all!")).toBe(false);
    expect(await verifyCaptcha(db, key, "")).toBe(false);
    // The genuine payload still works: none of the refusals recorded anything.
    expect(await verifyCaptcha(db, key, payload(parameters))).toBe(true);
  });

  it("purges nonces once their challenge has expired", async () => {
    await verifyCaptcha(db, key, await solve(await createChallenge(key)));
    expect(await purgeExpiredNonces(db)).toBe(0);
    expect(await purgeExpiredNonces(db, new Date(Date.now() + 11 * 60_000))).toBeGreaterThan(0);
    expect(await db.usedNonce.count({ where: { kind: "captcha" } })).toBe(0);
  });
});
