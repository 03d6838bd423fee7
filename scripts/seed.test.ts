/**
 * End to end, as `npm start` runs it: `db:seed` processes with their own DATA_DIR on one scratch
 * PostgreSQL database. Without shared secrets the second instance refuses to start, saying which
 * variables to set; with the first one's secrets, instances start (also two at once) and agree on
 * one signing key.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testServerUrl } from "~/test/db";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { migrateDatabase } from "~/server/db/migrate";
import { createPrismaClient } from "~/server/db-client";

const server = testServerUrl();
const names: string[] = [];
const dirs: string[] = [];

async function scratch() {
  const name = `uc_seed_${process.pid}_${randomBytes(4).toString("hex")}`;
  names.push(name);
  const url = await createScratchDatabase(server!, name);
  await migrateDatabase({ kind: "postgresql", url });
  return url;
}

const dataDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), "uc-seed-"));
  dirs.push(d);
  return d;
};

/** One `npm run -s db:seed` as package.json runs it, with exactly the given secrets in its environment. */
function seedProcess(url: string, dir: string, secrets: { NEXTAUTH_SECRET?: string; ENCRYPTION_KEY?: string } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, DATA_DIR: dir, ...secrets };
  for (const k of ["NEXTAUTH_SECRET", "ENCRYPTION_KEY", "SKIP_ENV_VALIDATION", "ADMIN_PASSWORD"] as const) if (!(k in secrets)) delete env[k];
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", "db:seed"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

afterAll(async () => {
  for (const n of names) await dropScratchDatabase(server!, n);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.runIf(server)("db:seed on one PostgreSQL from several instances", () => {
  it("refuses a second instance with its own generated secrets, naming the variables; accepts one with the first one's", async () => {
    const url = await scratch();
    const first = dataDir();
    const one = await seedProcess(url, first);
    expect(one.stderr).toBe("");
    expect(one.code).toBe(0);
    const two = await seedProcess(url, dataDir());
    expect(two.code).not.toBe(0);
    expect(two.stderr).toContain("Refusing to start");
    expect(two.stderr).toContain("set NEXTAUTH_SECRET and ENCRYPTION_KEY in this instance's environment");

    const stored = JSON.parse(readFileSync(path.join(first, "secrets.json"), "utf8")) as { authSecret: string; encryptionKey: string };
    const shared = { NEXTAUTH_SECRET: stored.authSecret, ENCRYPTION_KEY: stored.encryptionKey };
    const three = await seedProcess(url, dataDir(), shared);
    expect(three.stderr).toBe("");
    expect(three.code).toBe(0);
    // Only one of the two differing: the message names that one.
    const four = await seedProcess(url, dataDir(), { ...shared, ENCRYPTION_KEY: randomBytes(32).toString("hex") });
    expect(four.code).not.toBe(0);
    expect(four.stderr).toContain("set ENCRYPTION_KEY in this instance's environment");
  }, 180_000);

  it("two fresh instances with shared secrets started at once both start, with one active signing key", async () => {
    const url = await scratch();
    const shared = { NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), ENCRYPTION_KEY: randomBytes(32).toString("hex") };
    const [a, b] = await Promise.all([seedProcess(url, dataDir(), shared), seedProcess(url, dataDir(), shared)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const { db, close } = createPrismaClient({ databaseUrl: url, dataDir: ".data/test" });
    try {
      expect(await db.signingKey.count({ where: { retiredAt: null } })).toBe(1);
      expect(await db.secretCheck.count()).toBe(2);
    } finally {
      await close();
    }
  }, 180_000);
});
