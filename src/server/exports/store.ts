/**
 * Where finished exports live: DATA_DIR/exports/<tenant>/<job>-<nonce>.<format>, beside the
 * file store's DATA_DIR/files (so, like it, DATA_DIR must be shared storage when several
 * instances run). A file is written to a `.part` name and renamed when complete, so a reader
 * never sees half a file and a failed export leaves nothing behind. The job row keeps only the
 * key; the key is checked against its pattern before it touches the disk.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** `<tenant id | platform>/<job id>-<nonce>.<csv | xlsx>` */
export const EXPORT_KEY_RE = new RegExp(`^(?:${UUID}|platform)/${UUID}-[0-9a-f]{8}\\.(?:csv|xlsx)$`);

/** DATA_DIR is read on each call (tests and the bench point it elsewhere). */
export const exportsRoot = () => path.resolve(process.env.DATA_DIR || "./.data", "exports");

export function exportKey(tenantId: string | null, jobId: string, format: "csv" | "xlsx"): string {
  const key = `${tenantId?.toLowerCase() ?? "platform"}/${jobId.toLowerCase()}-${randomBytes(4).toString("hex")}.${format}`;
  if (!EXPORT_KEY_RE.test(key)) throw new Error("bad export key");
  return key;
}

export function exportPath(key: string): string {
  if (!EXPORT_KEY_RE.test(key)) throw new Error("bad export key");
  return path.join(exportsRoot(), ...key.split("/"));
}

export interface ExportFileWriter {
  /** The Node stream to write into (respect its backpressure). */
  stream: WriteStream;
  /** Flushes, closes and renames the file into place; answers the bytes written. */
  commit(): Promise<number>;
  /** Closes and removes the partial file; never throws. */
  abort(): Promise<void>;
}

export async function openExportFile(key: string): Promise<ExportFileWriter> {
  const target = exportPath(key);
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.part`;
  const stream = createWriteStream(tmp, { flags: "wx", mode: 0o600, highWaterMark: 256 * 1024 });
  let failed: Error | null = null;
  stream.on("error", (e) => (failed ??= e));
  const closed = () => new Promise<void>((resolve) => (stream.closed ? resolve() : stream.once("close", () => resolve())));
  return {
    stream,
    async commit() {
      if (failed) throw failed;
      // exceljs ends the stream itself (its zip is piped into it); CSV leaves that to us.
      if (!stream.writableFinished)
        await new Promise<void>((resolve, reject) => {
          stream.once("error", reject);
          if (stream.writableEnded) stream.once("finish", () => resolve());
          else stream.end(() => resolve());
        });
      await closed();
      if (failed) throw failed;
      await rename(tmp, target);
      return stream.bytesWritten;
    },
    async abort() {
      stream.destroy();
      await closed();
      await rm(tmp, { force: true }).catch(() => undefined);
    },
  };
}

/** The file as a stream with its size (from the open descriptor, so the two agree); null when it is gone. */
export async function openExportForRead(key: string): Promise<{ stream: Readable; size: number } | null> {
  let handle: FileHandle;
  try {
    handle = await open(exportPath(key), "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    const { size } = await handle.stat();
    return { stream: handle.createReadStream({ highWaterMark: 256 * 1024, autoClose: true }), size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

export async function removeExportFile(key: string): Promise<void> {
  await rm(exportPath(key), { force: true });
}
