/**
 * The bytes of uploaded files. The built-in store keeps them at DATA_DIR/files/<tenant>/<key>
 * (shared storage when several instances run); with an UploadThing account they live there and
 * are reached through UTApi.
 */
import "server-only";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { UTApi } from "uploadthing/server";
import { filesRoot, uploadThingKeys, usesBuiltInIngest } from "~/server/files/config";

/** UploadThing file keys (and ours) are URL-safe; anything else never reaches the disk. */
export const FILE_KEY_RE = /^[A-Za-z0-9_-]{8,128}$/;
const UUID_RE = /^[0-9a-f-]{36}$/i;

export interface StoredBytes {
  key: string;
  url: string;
}

export interface FileStore {
  /** Stores new bytes under a fresh key (uploads through /api/v1). */
  create(tenantId: string, name: string, mime: string, bytes: Buffer): Promise<StoredBytes>;
  read(tenantId: string, file: StoredBytes): Promise<Buffer>;
  /** Puts new bytes in place of a file's (a re-encoded image); the key may change. */
  replace(tenantId: string, file: StoredBytes, name: string, mime: string, bytes: Buffer): Promise<StoredBytes>;
  remove(tenantId: string, key: string): Promise<void>;
}

/** Where the built-in store serves a file; the route checks tenant and permission. */
export const localFileUrl = (key: string) => `/api/files/${key}`;

export function localPath(tenantId: string, key: string): string {
  if (!UUID_RE.test(tenantId) || !FILE_KEY_RE.test(key)) throw new Error("bad file key");
  return path.join(filesRoot(), tenantId.toLowerCase(), key);
}

/** Written to a temporary name first and renamed, so a reader never sees half a file. */
export async function writeLocal(tenantId: string, key: string, bytes: Uint8Array): Promise<void> {
  const target = localPath(tenantId, key);
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.${randomBytes(4).toString("hex")}.part`;
  await writeFile(tmp, bytes);
  await rename(tmp, target);
}

const localStore: FileStore = {
  async create(tenantId, _name, _mime, bytes) {
    const key = randomBytes(18).toString("base64url");
    await writeLocal(tenantId, key, bytes);
    return { key, url: localFileUrl(key) };
  },
  read: (tenantId, file) => readFile(localPath(tenantId, file.key)),
  async replace(tenantId, file, _name, _mime, bytes) {
    await writeLocal(tenantId, file.key, bytes);
    return { key: file.key, url: localFileUrl(file.key) };
  },
  remove: (tenantId, key) => rm(localPath(tenantId, key), { force: true }),
};

// The UploadThing client (with the effect library under it, ~0.1 s and several MB) loads with
// the first file stored there: instances on the built-in store never load it.
let utapi: Promise<{ api: UTApi; UTFile: typeof import("uploadthing/server").UTFile }> | undefined;
const ut = () =>
  (utapi ??= import("uploadthing/server")
    .then(({ UTApi, UTFile }) => ({ api: new UTApi({ token: uploadThingKeys().token }), UTFile }))
    .catch((e: unknown) => {
      utapi = undefined; // tried again next time (a token set since, say)
      throw e;
    }));

const uploadThingStore: FileStore = {
  async create(_tenantId, name, mime, bytes) {
    const { api, UTFile } = await ut();
    const res = await api.uploadFiles(new UTFile([new Uint8Array(bytes)], name, { type: mime }));
    if (res.error) throw new Error(res.error.message);
    return { key: res.data.key, url: res.data.ufsUrl };
  },
  async read(_tenantId, file) {
    const res = await fetch(file.url);
    if (!res.ok) throw new Error(`reading ${file.key} answered ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  },
  async replace(tenantId, file, name, mime, bytes) {
    const created = await this.create(tenantId, name, mime, bytes);
    await this.remove(tenantId, file.key);
    return created;
  },
  async remove(_tenantId, key) {
    await (await ut()).api.deleteFiles(key);
  },
};

export const fileStore = (): FileStore => (usesBuiltInIngest() ? localStore : uploadThingStore);
