/**
 * Where an import file waits for its job: DATA_DIR/imports/<tenant>/<job>-<nonce>.<csv | xlsx>,
 * beside the exports (so, like them, DATA_DIR must be shared storage when several instances
 * run). Readable by the server's user only; the job removes it when it ends, done or failed.
 * The job row keeps only the key, checked against its pattern before it touches the disk.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
export const IMPORT_KEY_RE = new RegExp(`^${UUID}/${UUID}-[0-9a-f]{8}\\.(?:csv|xlsx)$`);

/** DATA_DIR is read on each call (tests point it elsewhere). */
export const importsRoot = () => path.resolve(process.env.DATA_DIR || "./.data", "imports");

function importPath(key: string): string {
  if (!IMPORT_KEY_RE.test(key)) throw new Error("bad import key");
  return path.join(importsRoot(), ...key.split("/"));
}

export async function saveImportFile(tenantId: string, jobId: string, format: "csv" | "xlsx", bytes: Buffer): Promise<string> {
  const key = `${tenantId.toLowerCase()}/${jobId.toLowerCase()}-${randomBytes(4).toString("hex")}.${format}`;
  const target = importPath(key);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, bytes, { mode: 0o600, flag: "wx" });
  return key;
}

export const readImportFile = (key: string) => readFile(importPath(key));

/** Never throws: a file already gone is what we wanted. */
export async function removeImportFile(key: string): Promise<void> {
  await rm(importPath(key), { force: true }).catch(() => undefined);
}
