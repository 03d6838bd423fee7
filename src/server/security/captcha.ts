/**
 * Self-hosted ALTCHA proof of work (altcha-lib v2, the `altcha` widget's default algorithm).
 *
 * Challenges are created in deterministic mode: the server picks the counter, so it also knows the
 * derived key and signs it (`keySignature`); verifying a solution is then one HMAC instead of a
 * key derivation, which keeps a flood of bogus payloads cheap for us.
 */
import { createHash, createHmac } from "node:crypto";
import { createChallenge as altchaChallenge, randomInt, verifySolution, type Challenge, type Solution } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import type { PrismaClient } from "~/generated/prisma/client";

export type { Challenge };

const ALGORITHM = "PBKDF2/SHA-256";
export const CAPTCHA_TTL_MS = 10 * 60_000;

export interface ChallengeOptions {
  now?: Date;
  /** PBKDF2 iterations per attempt. */
  cost?: number;
  /** The solution counter is drawn from [minCounter, maxCounter]; the solver tries 0, 1, 2, … */
  minCounter?: number;
  maxCounter?: number;
}

/**
 * Measured: ~3,000 PBKDF2-SHA-256 attempts of 100 iterations take ~0.3 s through WebCrypto on one
 * thread; the widget splits the search over all cores, so a browser needs ~0.05–0.3 s.
 */
const DEFAULTS = { cost: 100, minCounter: 1_000, maxCounter: 4_000 };

/** A second, independent secret for the derived-key signature, as altcha-lib recommends. */
const keySecret = (hmacKey: string) => createHmac("sha256", hmacKey).update("altcha-key-signature").digest("hex");

export function createChallenge(hmacKey: string, options: ChallengeOptions = {}): Promise<Challenge> {
  const { cost, minCounter, maxCounter } = { ...DEFAULTS, ...options };
  const now = options.now ?? new Date();
  return altchaChallenge({
    algorithm: ALGORITHM,
    cost,
    counter: randomInt(maxCounter, minCounter),
    deriveKey,
    expiresAt: new Date(now.getTime() + CAPTCHA_TTL_MS),
    hmacSignatureSecret: hmacKey,
    hmacKeySignatureSecret: keySecret(hmacKey),
  });
}

interface ClientPayload {
  challenge: Challenge & { signature: string };
  solution: Solution;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Shape check only; everything inside is authenticated by the signatures. */
function parsePayload(payload: string): ClientPayload | null {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(payload, "base64").toString("utf8"));
  } catch {
    return null;
  }
  // The widget's test mode sends `{ challenge: null, solution: null, test: true }`: refused here.
  if (!isObject(v) || !isObject(v.challenge) || !isObject(v.solution)) return null;
  const { parameters, signature } = v.challenge;
  if (!isObject(parameters) || typeof signature !== "string") return null;
  return v as unknown as ClientPayload;
}

/**
 * True once per solved, unexpired challenge signed with `hmacKey`. `payload` is the widget's
 * base64 value (our `afs` field). Never throws on hostile input.
 */
export async function verifyCaptcha(db: PrismaClient, hmacKey: string, payload: string, now = new Date()): Promise<boolean> {
  const p = parsePayload(payload);
  if (!p) return false;
  const { expiresAt, algorithm } = p.challenge.parameters;
  // altcha-lib skips the expiry check when `expiresAt` is absent and reads the wall clock;
  // every challenge we issue has one, so demand it and check it against `now` as well.
  if (typeof expiresAt !== "number" || expiresAt * 1000 <= now.getTime()) return false;
  if (algorithm !== ALGORITHM) return false;
  try {
    const result = await verifySolution({
      challenge: p.challenge,
      solution: p.solution,
      deriveKey,
      hmacSignatureSecret: hmacKey,
      hmacKeySignatureSecret: keySecret(hmacKey),
    });
    if (!result.verified) return false;
  } catch {
    return false;
  }
  // Single use, across instances: the primary key makes the second insert of the same
  // signature a no-op (0 rows), so exactly one of two racing requests gets `true`.
  const id = createHash("sha256").update(p.challenge.signature).digest("hex");
  const inserted = await db.$executeRaw`
    INSERT INTO "UsedNonce" ("id", "kind", "expiresAt") VALUES (${id}, 'captcha', ${new Date(expiresAt * 1000).toISOString()}::timestamptz)
    ON CONFLICT ("id") DO NOTHING`;
  return inserted === 1;
}

/** Rows are only needed until their challenge expires; call from any periodic job. */
export async function purgeExpiredNonces(db: PrismaClient, now = new Date()): Promise<number> {
  const { count } = await db.usedNonce.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
