import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ARGON2_OPTIONS, DUMMY_HASH, hashPassword, hashWork, md5Hex, verifyPassword } from "~/server/password";
import { needsRehash } from "~/server/security/passwords";
import { decryptSecret, encryptSecret } from "~/server/crypto";
import { normalizeHost } from "~/server/services/host";
import { accountWhere } from "~/server/services/auth";

describe("passwords", () => {
  it("verify typed and MD5-hex forms against one argon2id hash", async () => {
    const stored = await hashPassword("correct horse");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored, "correct horse")).toBe(true);
    expect(await verifyPassword(stored, md5Hex("correct horse"), "md5")).toBe(true);
    expect(await verifyPassword(stored, "wrong horse")).toBe(false);
    expect(await verifyPassword(stored, md5Hex("wrong horse"), "md5")).toBe(false);
  });

  it("run exactly one verification per check, whichever form and outcome", async () => {
    // A typed password that looks like MD5 hex is what it is: a password, hashed here.
    const hexLooking = md5Hex("anything");
    const stored = await hashPassword(hexLooking);
    for (const [pwd, form, ok] of [
      [hexLooking, "plain", true],
      [md5Hex(hexLooking), "md5", true],
      [hexLooking, "md5", false],
      ["wrong horse", "plain", false],
      [md5Hex("wrong horse"), "md5", false],
    ] as const) {
      const before = hashWork.verifications;
      expect(await verifyPassword(stored, pwd, form)).toBe(ok);
      expect(hashWork.verifications - before).toBe(1);
    }
  });

  it("check unknown accounts against a dummy made with today's parameters", () => {
    expect(needsRehash(DUMMY_HASH)).toBe(false);
    expect(DUMMY_HASH).toContain(`$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=${ARGON2_OPTIONS.parallelism}$`);
  });
});

describe("secret encryption", () => {
  it("round-trips, uses a fresh IV, and refuses tampering or another key", () => {
    const key = randomBytes(32);
    const a = encryptSecret("wx-secret", key);
    expect(a).not.toContain("wx-secret");
    expect(encryptSecret("wx-secret", key)).not.toBe(a);
    expect(decryptSecret(a, key)).toBe("wx-secret");
    const parts = a.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => decryptSecret(parts.join("."), key)).toThrow();
    expect(() => decryptSecret(a, randomBytes(32))).toThrow();
  });
});

describe("account naming", () => {
  it("reads ustr as phone, email or case-insensitive user name", () => {
    expect(accountWhere("t", "+86-15810419011")).toEqual({ tenantId: "t", phone: "+86-15810419011" });
    expect(accountWhere("t", "Me@Example.com")).toEqual({ tenantId: "t", email: "me@example.com" });
    expect(accountWhere("t", " Admin ")).toEqual({ tenantId: "t", userNameKey: "admin" });
  });

  it("normalizes Host headers", () => {
    expect(normalizeHost("Example.COM:3000")).toBe("example.com");
    expect(normalizeHost("[::1]:3000")).toBe("[::1]");
    expect(normalizeHost(undefined)).toBe("");
  });
});
