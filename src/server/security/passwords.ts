/**
 * Password policy (NIST SP 800-63B style): length limits and a blocklist, no composition rules.
 *
 * `common-passwords.txt` is a hand-assembled list (~1,400 lowercase entries) of the passwords
 * that top the public leak statistics (RockYou, SplashData/NordPass yearly lists, the CSDN/163
 * leaks for Chinese favourites). No package carrying a larger list was available offline; a
 * bigger list can replace the file without code changes (one password per line).
 */
import { readFileSync } from "node:fs";
import { ARGON2_OPTIONS } from "~/server/password";
import { DEFAULT_PASSWORD_RULE } from "~/lib/password-rule";

export const PASSWORD_MIN = 8;
/** Caps the work one request can cause in the hash, and matches what forms accept. */
export const PASSWORD_MAX = 128;

let common: Set<string> | undefined;
/** Read on first use; `new URL(…, import.meta.url)` makes Turbopack ship the file with the server. */
function commonPasswords(): Set<string> {
  return (common ??= new Set(
    readFileSync(new URL("./common-passwords.txt", import.meta.url), "utf8")
      .split("\n")
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean),
  ));
}

export type PasswordPolicyResult = { ok: true } | { ok: false; reason: "tooShort" | "tooLong" | "tooCommon" };

/** A tenant's password rules (its properties `password.minLength`, `password.blockCommon`, `password.historyCount`). */
export interface PasswordPolicy {
  /** PASSWORD_MIN…64 characters. */
  minLength: number;
  /** Refuse the passwords on the common-password list. */
  blockCommon: boolean;
  /** Refuse the current password and the N-1 before it (0: any may be reused); at most HISTORY_MAX. */
  historyCount: number;
}
export const HISTORY_MAX = 24;
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = DEFAULT_PASSWORD_RULE;

const intIn = (raw: string | undefined, min: number, max: number, fallback: number) => {
  const n = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
};

/** The policy a tenant's settings describe; a missing or unreadable value keeps the default (never a weaker rule). */
export function passwordPolicyFrom(settings: Record<string, string>): PasswordPolicy {
  return {
    minLength: intIn(settings["password.minLength"], PASSWORD_MIN, 64, PASSWORD_MIN),
    blockCommon: settings["password.blockCommon"]?.trim() !== "false",
    historyCount: intIn(settings["password.historyCount"], 0, HISTORY_MAX, 0),
  };
}

export function checkPasswordPolicy(pwd: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): PasswordPolicyResult {
  // Count code points, not UTF-16 units, so "密码" style passwords are measured as typed.
  const length = [...pwd].length;
  if (length < policy.minLength) return { ok: false, reason: "tooShort" };
  if (length > PASSWORD_MAX) return { ok: false, reason: "tooLong" };
  if (policy.blockCommon && commonPasswords().has(pwd.toLowerCase())) return { ok: false, reason: "tooCommon" };
  return { ok: true };
}

const PHC = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * True when a stored hash should be replaced (after a successful verification) by one made with
 * the current parameters: not argon2id v1.3, or less memory or fewer passes than ARGON2_OPTIONS.
 * Lanes are not compared: with m and t fixed, more lanes do not make a guess cheaper.
 */
export function needsRehash(storedHash: string): boolean {
  const m = PHC.exec(storedHash);
  if (!m) return true;
  const [version, memory, time] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return version < 19 || memory < ARGON2_OPTIONS.memoryCost || time < ARGON2_OPTIONS.timeCost;
}
