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
const verify = (stored: string, digest: string) => gated(() => argonVerify(stored, digest));

export const md5Hex = (plain: string) => createHash("md5").update(plain, "utf8").digest("hex");

/**
 * Stored hashes are argon2id over the MD5 hex of the password, so that seed-003 clients that
 * send `pwd` as MD5 hex and our forms (plain text, hashed here) verify against one record.
 */
export function hashPassword(plain: string): Promise<string> {
  return hash(md5Hex(plain), ARGON2_OPTIONS);
}

/**
 * `pwd` is either the password as typed or its 32-char lowercase MD5 hex. A typed password
 * that happens to look like MD5 hex is tried both ways.
 */
export async function verifyPassword(stored: string, pwd: string): Promise<boolean> {
  return (await matchingDigest(stored, pwd)) !== null;
}

/** The MD5 hex that verified (so a weaker hash can be redone from it), or null. */
export async function matchingDigest(stored: string, pwd: string): Promise<string | null> {
  if (MD5_HEX.test(pwd) && (await verify(stored, pwd).catch(() => false))) return pwd;
  const digest = md5Hex(pwd);
  return (await verify(stored, digest).catch(() => false)) ? digest : null;
}

export const hashDigest = (digest: string) => hash(digest, ARGON2_OPTIONS);

/** A fixed hash that unknown accounts are checked against, so they cost the same time. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  return (dummy ??= hash(md5Hex("not-a-real-password"), ARGON2_OPTIONS));
}
