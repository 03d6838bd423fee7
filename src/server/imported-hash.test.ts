import { describe, expect, it } from "vitest";
import { hash as argonHash } from "@node-rs/argon2";
import bcrypt from "bcryptjs";
import { detectHashFamily, hashPassword, hashWork, importedHash, md5Hex, matchingDigest, verifyPassword } from "~/server/password";
import { needsRehash } from "~/server/security/passwords";

const PASSWORD = "Legacy pass 1";
const stored = (hash: string, type?: Parameters<typeof importedHash>[1]) => {
  const r = importedHash(hash, type);
  if (!r.ok) throw new Error(r.problem);
  if (r.stored === undefined) throw new Error("an MD5 hex is hashed, not stored");
  return r.stored;
};

describe("imported password hashes", () => {
  it("tell argon2, bcrypt and MD5 hex apart by their text, and nothing else", () => {
    expect(detectHashFamily("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")).toBe("argon2");
    for (const p of ["$2a$", "$2b$", "$2y$"]) expect(detectHashFamily(`${p}10$abc`)).toBe("bcrypt");
    expect(detectHashFamily(md5Hex("x").toUpperCase())).toBe("md5");
    for (const junk of ["", "plain text", "$1$md5crypt$", "$2x$10$abc", md5Hex("x").slice(1), "sha1:abc"]) expect(detectHashFamily(junk)).toBeNull();
  });

  it("refuse malformed hashes, a type that contradicts the hash, and hashes too costly to check", async () => {
    expect(importedHash("nonsense")).toEqual({ ok: false, problem: "unknownHash" });
    expect(importedHash(md5Hex("x"), "bcrypt")).toEqual({ ok: false, problem: "hashTypeMismatch" });
    expect(importedHash("$2b$10$tooShort")).toEqual({ ok: false, problem: "malformedHash" });
    const b = await bcrypt.hash(PASSWORD, 4);
    expect(importedHash(b.replace("$04$", "$31$"))).toEqual({ ok: false, problem: "hashTooCostly" });
    const a = await argonHash(PASSWORD, { memoryCost: 1024, timeCost: 1, parallelism: 1 });
    expect(importedHash(a.replace("m=1024", "m=4194304"))).toEqual({ ok: false, problem: "hashTooCostly" });
    expect(importedHash(a.replace(/\$[^$]+$/, "$x"))).toEqual({ ok: false, problem: "malformedHash" });
  });

  it("never store an imported MD5 hex as it is (the JSON login API's pwd): it comes back as the digest to hash", () => {
    expect(importedHash(md5Hex(PASSWORD).toUpperCase())).toEqual({ ok: true, digest: md5Hex(PASSWORD) });
    expect(importedHash(md5Hex(PASSWORD), "md5")).toEqual({ ok: true, digest: md5Hex(PASSWORD) });
  });

  it("verify an MD5 hex an older import stored from the typed password only (not pass-the-hash), with one argon2 verification", async () => {
    const s = `uc-import:md5:${md5Hex(PASSWORD)}`;
    expect(needsRehash(s)).toBe(true);
    for (const [pwd, form, ok] of [
      [PASSWORD, "plain", true],
      [md5Hex(PASSWORD), "md5", false], // the leaked hex itself, sent as the JSON API's digest
      ["wrong", "plain", false],
      [md5Hex("wrong"), "md5", false],
    ] as const) {
      const before = hashWork.verifications;
      expect(await verifyPassword(s, pwd, form)).toBe(ok);
      expect(hashWork.verifications - before).toBe(1);
    }
    // What the sign-in re-hashes from: our own argon2id over that digest verifies the same password.
    const digest = await matchingDigest(s, PASSWORD);
    expect(digest).toBe(md5Hex(PASSWORD));
    expect(await verifyPassword(await hashPassword(PASSWORD), PASSWORD)).toBe(true);
  });

  it("verify bcrypt ($2a$, $2b$, $2y$) over the typed password, and bcrypt over the MD5 hex from either form", async () => {
    const overTyped = await bcrypt.hash(PASSWORD, 4);
    for (const prefix of ["$2a$", "$2b$", "$2y$"]) {
      const s = stored(overTyped.replace(/^\$2[aby]\$/, prefix));
      expect(await verifyPassword(s, PASSWORD)).toBe(true);
      expect(await verifyPassword(s, "wrong")).toBe(false);
    }
    // A hash of the typed password cannot be checked from its MD5 hex: refused, after one verification.
    const before = hashWork.verifications;
    expect(await verifyPassword(stored(overTyped), md5Hex(PASSWORD), "md5")).toBe(false);
    expect(hashWork.verifications - before).toBe(1);

    const overMd5 = stored(await bcrypt.hash(md5Hex(PASSWORD), 4), "bcrypt-md5");
    expect(await verifyPassword(overMd5, PASSWORD)).toBe(true);
    expect(await verifyPassword(overMd5, md5Hex(PASSWORD), "md5")).toBe(true);
    expect(await verifyPassword(overMd5, md5Hex("wrong"), "md5")).toBe(false);
  });

  it("verify argon2 over the typed password; argon2id over the MD5 hex is our own format, kept as it is", async () => {
    const overTyped = stored(await argonHash(PASSWORD, { memoryCost: 1024, timeCost: 1, parallelism: 1 }));
    expect(overTyped.startsWith("uc-import:argon2:$argon2id$")).toBe(true);
    expect(await verifyPassword(overTyped, PASSWORD)).toBe(true);
    expect(await verifyPassword(overTyped, "wrong")).toBe(false);
    expect(await verifyPassword(overTyped, md5Hex(PASSWORD), "md5")).toBe(false);

    const argon2i = stored(await argonHash(PASSWORD, { algorithm: 1, memoryCost: 1024, timeCost: 1, parallelism: 1 }));
    expect(await verifyPassword(argon2i, PASSWORD)).toBe(true);

    const ours = await hashPassword(PASSWORD);
    expect(stored(ours, "argon2-md5")).toBe(ours);
    const weakOurs = stored(await argonHash(md5Hex(PASSWORD), { memoryCost: 1024, timeCost: 1, parallelism: 1 }), "argon2-md5");
    expect(await verifyPassword(weakOurs, md5Hex(PASSWORD), "md5")).toBe(true);
    expect(needsRehash(weakOurs)).toBe(true);
  });

  it("treat a forged import prefix as no password at all", async () => {
    expect(await verifyPassword("uc-import:md5:not-hex", "anything")).toBe(false);
    expect(await verifyPassword("uc-import:whatever:" + md5Hex("x"), "x")).toBe(false);
  });
});
