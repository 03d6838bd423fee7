import { createHash } from "node:crypto";
import os from "node:os";
import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";

/** OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS = { algorithm: 2 /* Algorithm.Argon2id, a const enum */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const MD5_HEX = /^[0-9a-f]{32}$/;

/**
 * Hashing runs on libuv's thread pool, off the event loop; this gate also bounds how many run
 * (and hold 19 MiB each) at once, so a burst of sign-ins queues instead of exhausting memory.
 */
const MAX_CONCURRENT_HASHES = Math.max(2, os.availableParallelism());
// One gate per process: Next.js bundles routes separately, so module state would be per route.
const holder = globalThis as unknown as { __ucHashGate?: { running: number; waiting: (() => void)[] } };
const gate = (holder.__ucHashGate ??= { running: 0, waiting: [] });
async function gated<T>(work: () => Promise<T>): Promise<T> {
  // A finishing task hands its slot straight to the next waiter, so the count never overshoots.
  if (gate.running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => gate.waiting.push(resolve));
  else gate.running++;
  try {
    return await work();
  } finally {
    const next = gate.waiting.shift();
    if (next) next();
    else gate.running--;
  }
}
const hash = (digest: string, options: typeof ARGON2_OPTIONS) => gated(() => argonHash(digest, options));

/**
 * Every argon2 verification this process ran. Tests read it to check that each sign-in attempt
 * costs exactly one, whatever the account's state: hash work that differs is a timing oracle.
 */
export const hashWork = { verifications: 0 };
const verify = (stored: string, digest: string) => {
  hashWork.verifications++;
  return gated(() => argonVerify(stored, digest));
};

export const md5Hex = (plain: string) => createHash("md5").update(plain, "utf8").digest("hex");

/**
 * Stored hashes are argon2id over the MD5 hex of the password, so that seed-003 clients that
 * send `pwd` as MD5 hex and our forms (plain text, hashed here) verify against one record.
 */
export function hashPassword(plain: string): Promise<string> {
  return hash(md5Hex(plain), ARGON2_OPTIONS);
}

/**
 * How a caller sent the password: `plain` as typed (our forms, hashed here), `md5` as its
 * 32-char lowercase MD5 hex (seed 003's JSON API). The channel decides, never the value's look,
 * so one attempt is always exactly one verification.
 */
export type PwdForm = "plain" | "md5";

/** The JSON login API's rule: a 32-lowercase-hex `pwd` is the digest, anything else the password. */
export const pwdFormOf = (pwd: string): PwdForm => (MD5_HEX.test(pwd) ? "md5" : "plain");

/** Whether `pwd` (in `form`) is the password `stored` was made from: one argon2 verification. */
export async function verifyPassword(stored: string, pwd: string, form: PwdForm = "plain"): Promise<boolean> {
  return (await matchingDigest(stored, pwd, form)) !== null;
}

/** The MD5 hex that verified (so a weaker hash can be redone from it), or null. One verification. */
export async function matchingDigest(stored: string, pwd: string, form: PwdForm = "plain"): Promise<string | null> {
  const digest = form === "md5" && MD5_HEX.test(pwd) ? pwd : md5Hex(pwd);
  return (await verify(stored, digest).catch(() => false)) ? digest : null;
}

export const hashDigest = (digest: string) => hash(digest, ARGON2_OPTIONS);

/**
 * A fixed hash (argon2id with ARGON2_OPTIONS over nothing anyone's password digests to) that
 * unknown accounts and accounts without a password are checked against, so they cost one
 * verification like everyone else. Precomputed, so the first unknown name is not slower.
 */
export const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$pDxHxPllCYmZD0Ocm2pYBw$cuDrYJzkTVEtANpwt3EnvcM5uKMGq7XJfv9ZJN0lIuE";
