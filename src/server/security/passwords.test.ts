import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hashPassword } from "~/server/password";
import { checkPasswordPolicy, needsRehash } from "./passwords";

describe("password policy", () => {
  it("enforces 8 to 128 characters, counted as typed", () => {
    expect(checkPasswordPolicy("Tr0ub4d")).toEqual({ ok: false, reason: "tooShort" });
    expect(checkPasswordPolicy("tr0ub4do")).toEqual({ ok: true });
    expect(checkPasswordPolicy("x".repeat(128))).toEqual({ ok: true });
    expect(checkPasswordPolicy("x".repeat(129))).toEqual({ ok: false, reason: "tooLong" });
    expect(checkPasswordPolicy("😀".repeat(4))).toEqual({ ok: false, reason: "tooShort" }); // 8 UTF-16 units
    expect(checkPasswordPolicy("长城长城长城长城")).toEqual({ ok: true });
  });

  it("has no composition rules", () => {
    expect(checkPasswordPolicy("correct horse battery staple")).toEqual({ ok: true });
    expect(checkPasswordPolicy("mvlqzkrpt")).toEqual({ ok: true });
  });

  it("refuses common passwords, whatever their case", () => {
    for (const pwd of [
      "12345678",
      "password",
      "PassWord1",
      "QWERTY123",
      "woaini1314",
      "5201314520",
      "qq123456",
      "88888888",
      "1qaz2wsx",
      "1QAZ2WSX",
      "iloveyou",
    ]) {
      expect(checkPasswordPolicy(pwd), pwd).toEqual({ ok: false, reason: "tooCommon" });
    }
    // Short favourites are refused for their length first.
    expect(checkPasswordPolicy("123456")).toEqual({ ok: false, reason: "tooShort" });
  });

  it("ships a list of at least 1,000 lowercase entries including the Chinese favourites", () => {
    const list = readFileSync(new URL("./common-passwords.txt", import.meta.url), "utf8")
      .split("\n")
      .filter(Boolean);
    expect(list.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(list).size).toBe(list.length);
    expect(list.every((l) => l === l.toLowerCase())).toBe(true);
    for (const p of ["123456", "5201314", "woaini1314", "qq123456", "a123456", "88888888", "1qaz2wsx"]) expect(list).toContain(p);
  });
});

describe("needsRehash", () => {
  const tail = "$c29tZXNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";
  it("accepts the current parameters or stronger ones", async () => {
    expect(needsRehash(await hashPassword("whatever"))).toBe(false);
    expect(needsRehash(`$argon2id$v=19$m=19456,t=2,p=1${tail}`)).toBe(false);
    expect(needsRehash(`$argon2id$v=19$m=65536,t=3,p=4${tail}`)).toBe(false);
  });

  it("asks for a rehash of weaker or other hashes", () => {
    expect(needsRehash(`$argon2id$v=19$m=4096,t=3,p=1${tail}`)).toBe(true);
    expect(needsRehash(`$argon2id$v=19$m=19456,t=1,p=1${tail}`)).toBe(true);
    expect(needsRehash(`$argon2id$v=16$m=19456,t=2,p=1${tail}`)).toBe(true);
    expect(needsRehash(`$argon2i$v=19$m=19456,t=2,p=1${tail}`)).toBe(true);
    expect(needsRehash("$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234")).toBe(true);
    expect(needsRehash("")).toBe(true);
  });
});
