import { createHash, timingSafeEqual } from "node:crypto";
import os from "node:os";
import type { ImportedHashType } from "~/lib/validators/user";

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
/** The native argon2 binding loads with the first hash (~12 MB that an instance serving no sign-in never maps). */
let binding: Promise<typeof import("@node-rs/argon2")> | undefined;
const argon2 = () => (binding ??= import("@node-rs/argon2"));
const hash = (digest: string, options: typeof ARGON2_OPTIONS) => gated(async () => (await argon2()).hash(digest, options));

/**
 * Every argon2 verification this process ran. Tests read it to check that each sign-in attempt
 * costs exactly one, whatever the account's state: hash work that differs is a timing oracle.
 */
export const hashWork = { verifications: 0 };
const verify = (stored: string, digest: string) => {
  hashWork.verifications++;
  return gated(async () => (await argon2()).verify(stored, digest));
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

/**
 * The MD5 hex that verified (so a weaker hash can be redone from it), or null. One verification:
 * an imported hash (see `importedHash`) is checked by its own algorithm; a bare MD5 hex stored by
 * an older import (`uc-import:md5:`, no longer written), which costs nothing to compare, is also
 * made to cost the dummy argon2 verification, so its accounts answer in the time every other
 * account does. That hex is what the JSON API takes as `pwd`, so a leaked dump of it would sign
 * in: it is checked from the password as typed only, never from an MD5 hex sent as such.
 */
export async function matchingDigest(stored: string, pwd: string, form: PwdForm = "plain"): Promise<string | null> {
  const digest = form === "md5" && MD5_HEX.test(pwd) ? pwd : md5Hex(pwd);
  const imported = readImportedHash(stored);
  if (!imported) return (await verify(stored, digest).catch(() => false)) ? digest : null;
  // A hash of the password as typed cannot be checked from its MD5 hex (the JSON API's form).
  const typed = form === "plain" ? pwd : null;
  switch (imported.type) {
    case "md5": {
      await verify(DUMMY_HASH, digest).catch(() => false);
      if (typed === null) return null;
      return timingSafeEqual(Buffer.from(imported.hash), Buffer.from(digest)) ? digest : null;
    }
    case "argon2":
    case "bcrypt":
    case "bcrypt-md5": {
      const input = imported.type === "bcrypt-md5" ? digest : typed;
      if (input === null) {
        await verify(DUMMY_HASH, digest).catch(() => false);
        return null;
      }
      const ok = imported.type === "argon2" ? await verify(imported.hash, input).catch(() => false) : await bcryptVerify(imported.hash, input);
      return ok ? digest : null;
    }
  }
}

export const hashDigest = (digest: string) => hash(digest, ARGON2_OPTIONS);

/**
 * A fixed hash (argon2id with ARGON2_OPTIONS over nothing anyone's password digests to) that
 * unknown accounts and accounts without a password are checked against, so they cost one
 * verification like everyone else. Precomputed, so the first unknown name is not slower.
 */
export const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$pDxHxPllCYmZD0Ocm2pYBw$cuDrYJzkTVEtANpwt3EnvcM5uKMGq7XJfv9ZJN0lIuE";

// ---------------------------------------------------------------------------------------------
// Hashes carried over from another system (the user import)

/**
 * What an imported hash was made with, and over what: `argon2` and `bcrypt` over the password as
 * typed; `bcrypt-md5` and `argon2-md5` over its MD5 hex (what seed 003's clients send, and
 * User Center's own format); `md5` the MD5 hex itself (never stored as it is: see `importedHash`).
 */
export type { ImportedHashType } from "~/lib/validators/user";

/**
 * Stored form of an imported hash that is not our own: `uc-import:<type>:<hash>`. Never a PHC
 * string of ours, so needsRehash asks for our own hash at the first successful sign-in, which
 * replaces it (the verified MD5 hex is what our argon2id is made over).
 */
const IMPORTED_PREFIX = "uc-import:";

const ARGON2_PHC = /^\$argon2(id|i|d)\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}$/;
const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
/**
 * Work an imported hash may demand of each sign-in attempt: argon2 up to 256 MiB, 10 passes and 8
 * lanes, bcrypt up to cost 14 (~1.5 s). A file with larger ones would let one account tie up
 * the server on every guess.
 */
const MAX_ARGON2 = { memoryCost: 262_144, timeCost: 10, parallelism: 8 };
const MAX_BCRYPT_COST = 14;

/** The family a hash's own text shows: argon2, bcrypt or MD5 hex; null for anything else. */
export function detectHashFamily(hash: string): "argon2" | "bcrypt" | "md5" | null {
  if (hash.startsWith("$argon2")) return "argon2";
  if (/^\$2[aby]\$/.test(hash)) return "bcrypt";
  if (/^[0-9a-fA-F]{32}$/.test(hash)) return "md5";
  return null;
}

export type ImportedHashProblem = "unknownHash" | "hashTypeMismatch" | "hashTooCostly" | "malformedHash";

/**
 * The value to store for a hash from another system, or why it cannot be taken. `type` may be
 * left out: the family is then read from the hash, taken as made over the password as typed.
 * An MD5 hex comes back as `digest`, to be stored as our own argon2id over it (`hashDigest`):
 * kept as it is, it would be exactly the `pwd` the JSON login API accepts, so a leaked dump of
 * the old system would sign its users in here.
 */
export function importedHash(
  hash: string,
  type?: ImportedHashType | null,
): { ok: true; stored: string; digest?: never } | { ok: true; digest: string; stored?: never } | { ok: false; problem: ImportedHashProblem } {
  const family = detectHashFamily(hash);
  if (!family) return { ok: false, problem: "unknownHash" };
  const chosen: ImportedHashType = type ?? family;
  if (!chosen.startsWith(family)) return { ok: false, problem: "hashTypeMismatch" };
  if (family === "md5") return { ok: true, digest: hash.toLowerCase() };
  if (family === "bcrypt") {
    const m = BCRYPT.exec(hash);
    if (!m) return { ok: false, problem: "malformedHash" };
    if (Number(m[1]) > MAX_BCRYPT_COST || Number(m[1]) < 4) return { ok: false, problem: "hashTooCostly" };
    return { ok: true, stored: `${IMPORTED_PREFIX}${chosen}:${hash}` };
  }
  const m = ARGON2_PHC.exec(hash);
  if (!m) return { ok: false, problem: "malformedHash" };
  const [memory, time, lanes] = [Number(m[3]), Number(m[4]), Number(m[5])];
  if (memory > MAX_ARGON2.memoryCost || time > MAX_ARGON2.timeCost || lanes > MAX_ARGON2.parallelism || lanes < 1) {
    return { ok: false, problem: "hashTooCostly" };
  }
  // Over the MD5 hex, an argon2id hash is already ours: stored as it is (needsRehash still
  // replaces weaker parameters at the first sign-in).
  return { ok: true, stored: chosen === "argon2-md5" ? hash : `${IMPORTED_PREFIX}argon2:${hash}` };
}

function readImportedHash(stored: string): { type: Exclude<ImportedHashType, "argon2-md5">; hash: string } | null {
  if (!stored.startsWith(IMPORTED_PREFIX)) return null;
  const rest = stored.slice(IMPORTED_PREFIX.length);
  const colon = rest.indexOf(":");
  const type = rest.slice(0, colon);
  const hash = rest.slice(colon + 1);
  if (type === "md5" && MD5_HEX.test(hash)) return { type, hash };
  if ((type === "bcrypt" || type === "bcrypt-md5") && BCRYPT.test(hash)) return { type, hash };
  if (type === "argon2" && ARGON2_PHC.test(hash)) return { type, hash };
  return null;
}

/** bcrypt through the same gate as argon2 (bcryptjs computes on the event loop, yielding between rounds). */
async function bcryptVerify(hash: string, input: string): Promise<boolean> {
  hashWork.verifications++;
  const { compare } = await import("bcryptjs");
  return gated(() => compare(input, hash)).catch(() => false);
}
