/**
 * The files service against a real database and a temporary DATA_DIR: what is accepted is
 * stored re-encoded with its checksum and audit row; what is refused leaves no row and no bytes.
 * The ingest's refusals are called directly; its success path needs a server (e2e/files-api).
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// ~/env copies process.env when it is first imported: point DATA_DIR at a directory of this
// file's own before any import below runs (vi.hoisted runs ahead of the imports).
const dataDir = vi.hoisted(() => {
  const previous = process.env.DATA_DIR;
  const dir = `${process.env.TMPDIR ?? "/tmp"}/uc-files-test-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return { dir, previous };
});

import { failure, setupWorld } from "~/test/fixtures";
import { forgetTenantSettings } from "~/server/services/tenant-settings";
import { acceptFile, deleteFile, fileForReading, getFile, listFiles, uploadBytes } from "~/server/services/files";
import { systemScope, type Scope } from "~/server/services/scope";
import { fileListInput, type FileListInput } from "~/lib/validators/file";
import { writeLocal, localFileUrl } from "~/server/files/store";
import { filesRoot, uploadThingKeys } from "~/server/files/config";
import { handleIngest, signHmac } from "~/server/files/ingest";
import { htmlBytes, jpegBytes, mp4Bytes, padded, pdfBytes, pngBytes } from "~/test/fixtures/files";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const tenantDir = (tenantId: string) => path.join(dataDir.dir, "files", tenantId);
/** The files (finished ones and `.part` leftovers) under a tenant's directory. */
const onDisk = (tenantId: string) => (existsSync(tenantDir(tenantId)) ? readdirSync(tenantDir(tenantId)).sort() : []);
const diskBytes = (tenantId: string, key: string) => readFileSync(path.join(tenantDir(tenantId), key));

/** The service's caller, as the routes build it from an actor. */
async function whoFor(userId: string, tenantId: string): Promise<Scope> {
  const ctx = await w.ctxFor(userId, tenantId === w.platform.id ? w.platform : w.tenantB);
  return { ...ctx, tenant: ctx.tenant!, actor: ctx.actor!, audit: { ip: "192.0.2.1", userAgent: "Vitest/files", reqId: null } };
}

const list = (who: Scope, input: FileListInput = {}) => listFiles(who, fileListInput.parse(input));

let adminB: Scope; // administrator of tenant B (uc.file.all)
let plainWho: Scope; // tenant B, no file permissions
let operator: Scope; // platform tenant

beforeAll(async () => {
  w = t.w;
  db = t.db;
  adminB = await whoFor(w.managerB.id, w.tenantB.id);
  plainWho = await whoFor(w.plainB.id, w.tenantB.id);
  operator = await whoFor(w.operator.id, w.platform.id);
});

afterAll(() => {
  rmSync(dataDir.dir, { recursive: true, force: true });
  if (dataDir.previous === undefined) delete process.env.DATA_DIR;
  else process.env.DATA_DIR = dataDir.previous;
});

describe("the file store", () => {
  it("keeps the bytes under this test's DATA_DIR", () => {
    expect(filesRoot()).toBe(path.resolve(dataDir.dir, "files"));
  });
});

describe("uploadBytes", () => {
  it("accepts a PNG: row, re-encoded bytes on disk, checksum of the stored bytes, audit row", async () => {
    const original = await pngBytes(40, 30);
    // A payload after IEND survives nowhere but in the upload: re-encoding drops it.
    const sent = Buffer.concat([original, Buffer.from("<script>alert(1)</script>")]);
    const item = await uploadBytes(adminB, { kind: "image", folder: "alpha01", name: "pic.png", bytes: sent });
    expect(item).toMatchObject({
      tenantId: w.tenantB.id,
      ownerId: w.managerB.id,
      clientId: null,
      kind: "image",
      mime: "image/png",
      ext: "png",
      width: 40,
      height: 30,
      folder: "alpha01",
      name: "pic.png",
    });

    const row = await db.storedFile.findUniqueOrThrow({ where: { id: item.id } });
    expect(row.url).toBe(localFileUrl(row.storageKey));
    const stored = diskBytes(w.tenantB.id, row.storageKey);
    expect(stored.includes(Buffer.from("<script>"))).toBe(false);
    expect(stored.equals(sent)).toBe(false);
    expect(row.size).toBe(stored.length);
    expect(row.checksum).toBe(sha256(stored));
    expect(onDisk(w.tenantB.id).filter((n) => n.endsWith(".part"))).toEqual([]);

    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "file.create", recordId: item.id } });
    expect(audit).toMatchObject({ tenantId: w.tenantB.id, actorId: w.managerB.id, ip: "192.0.2.1", userAgent: "Vitest/files" });
  });

  it("refuses renamed HTML as an image (20001): no row, no bytes", async () => {
    const rows = await db.storedFile.count();
    const files = onDisk(w.tenantB.id);
    expect(await failure(() => uploadBytes(adminB, { kind: "image", folder: undefined, name: "evil.png", bytes: htmlBytes() }))).toMatchObject({
      code: 20001,
    });
    expect(await failure(() => uploadBytes(adminB, { kind: "document", folder: undefined, name: "evil.pdf", bytes: htmlBytes() }))).toMatchObject({
      code: 20001,
    });
    expect(await db.storedFile.count()).toBe(rows);
    expect(onDisk(w.tenantB.id)).toEqual(files);
  });

  it("refuses an oversized image (20002) before storing anything", async () => {
    const files = onDisk(w.tenantB.id);
    const big = padded(await pngBytes(10, 10), 10 * 1024 * 1024 + 1);
    expect(await failure(() => uploadBytes(adminB, { kind: "image", folder: undefined, name: "big.png", bytes: big }))).toMatchObject({ code: 20002 });
    expect(onDisk(w.tenantB.id)).toEqual(files);
  });

  it("records a program's upload with the client and no owner", async () => {
    const clientId = randomUUID();
    // A client token: userId is the client's row id, permissions are exactly its scopes.
    const program = (id: string): Scope =>
      systemScope(db, {
        userId: id,
        tenantId: w.tenantB.id,
        isOperator: false,
        roles: [],
        permissions: ["uc.file.post", "uc.file.get"],
        client: { id, clientId: "files-test", ownerId: null, ownerManagesAll: false },
      });
    const who = program(clientId);
    const item = await uploadBytes(who, { kind: "document", folder: undefined, name: "doc.pdf", bytes: pdfBytes() });
    expect(item).toMatchObject({ ownerId: null, clientId, mime: "application/pdf", kind: "document" });
    const { storageKey } = await db.storedFile.findUniqueOrThrow({ where: { id: item.id } });
    const stored = diskBytes(w.tenantB.id, storageKey);
    expect(stored.equals(pdfBytes())).toBe(true);
    // The client reads back what it uploaded (no uc.file.detail needed); another client may not.
    expect((await fileForReading(who, storageKey)).id).toBe(item.id);
    expect(await failure(() => fileForReading(program(randomUUID()), storageKey))).toMatchObject({ code: 10002 });
    expect((await db.auditLog.findFirstOrThrow({ where: { action: "file.create", recordId: item.id } })).actorId).toBe(clientId);
  });
});

describe("file names", () => {
  it("a NUL, other controls, a lone surrogate or a bidi override in a name are removed, long names cut: stored under the clean name, no 500", async () => {
    const item = await uploadBytes(adminB, { kind: "document", folder: undefined, name: "re\u0000port\u0001\u007f\u202e\ud800.pdf", bytes: pdfBytes() });
    expect(item.name).toBe("report.pdf");
    const row = await db.storedFile.findUniqueOrThrow({ where: { id: item.id } });
    expect(row.name).toBe("report.pdf");
    // 300 emoji: cut to 200 characters, never half a surrogate pair.
    const long = await uploadBytes(adminB, { kind: "document", folder: undefined, name: `${"😀".repeat(300)}.pdf`, bytes: pdfBytes() });
    expect(Array.from(long.name)).toHaveLength(200);
    expect(long.name).toBe("😀".repeat(200));
    // Nothing but control characters: a placeholder name.
    expect((await uploadBytes(adminB, { kind: "document", folder: undefined, name: "\u0000\u0000", bytes: pdfBytes() })).name).toBe("file");
    // Bytes that arrived through uploadthing are named the same way.
    const key = "arrivedNulName01";
    await writeLocal(w.tenantB.id, key, pdfBytes());
    const arrived = await acceptFile(db, {
      tenantId: w.tenantB.id,
      actorId: w.managerB.id,
      ownerId: w.managerB.id,
      clientId: null,
      kind: "document",
      folder: undefined,
      name: "up\u0000load.pdf",
      stored: { key, url: localFileUrl(key) },
    });
    expect(arrived.name).toBe("upload.pdf");
    expect((await db.auditLog.findFirstOrThrow({ where: { action: "file.create", recordId: arrived.id } })).after).toMatchObject({ name: "upload.pdf" });
  });
});

describe("file.uploadBase64 (tRPC)", () => {
  it("refuses a JPEG (PNG only, 20001) and leaves nothing; takes a PNG, also as a data URL", async () => {
    const caller = await w.callerFor(w.managerB.id);
    const rows = await db.storedFile.count();
    const files = onDisk(w.tenantB.id);
    const jpeg = (await jpegBytes(20, 20)).toString("base64");
    expect(await failure(() => caller.file.uploadBase64({ data: jpeg, name: "photo.png" }))).toMatchObject({ code: 20001 });
    expect(await db.storedFile.count()).toBe(rows);
    expect(onDisk(w.tenantB.id)).toEqual(files);

    const png = (await pngBytes(12, 8)).toString("base64");
    const item = await caller.file.uploadBase64({ data: `data:image/png;base64,${png}`, folderName: "base64s" });
    expect(item).toMatchObject({ kind: "image", mime: "image/png", width: 12, height: 8, name: "image.png", folder: "base64s", ownerId: w.managerB.id });
    expect(onDisk(w.tenantB.id)).toHaveLength(files.length + 1);
  });

  it("needs uc.file.post", async () => {
    const caller = await w.callerFor(w.plainB.id);
    const png = (await pngBytes(4, 4)).toString("base64");
    expect(await failure(() => caller.file.uploadBase64({ data: png }))).toMatchObject({ code: 10002 });
  });

  it("every file procedure is refused to a user without its permission, and nothing changes", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const item = await admin.file.uploadBase64({ data: (await pngBytes(4, 4)).toString("base64"), folderName: "guarded1" });
    const plain = await w.callerFor(w.plainB.id);
    for (const call of [
      () => plain.file.list({}),
      () => plain.file.folders({}),
      () => plain.file.usage({}),
      () => plain.file.detail({ id: item.id }),
      () => plain.file.delete({ id: item.id }),
    ]) {
      expect(await failure(call)).toMatchObject({ code: 10002 });
    }
    expect(await db.storedFile.count({ where: { id: item.id } })).toBe(1);
  });
});

describe("quotas", () => {
  let uploader: Scope;
  beforeAll(async () => {
    const u = await w.makeUser(w.tenantB.id, "quotab", ["administrator"]);
    uploader = await whoFor(u.id, w.tenantB.id);
    await db.tenantProperty.create({ data: { tenantId: w.tenantB.id, key: "files.userQuotaMB", value: "1" } });
    forgetTenantSettings(w.tenantB.id);
  });
  afterAll(async () => {
    await db.tenantProperty.deleteMany({ where: { tenantId: w.tenantB.id, key: "files.userQuotaMB" } });
    forgetTenantSettings(w.tenantB.id);
  });

  it("refuses an upload past the user's quota (20006) with nothing left behind", async () => {
    const rows = await db.storedFile.count();
    const files = onDisk(w.tenantB.id);
    const big = padded(pdfBytes(), 1024 * 1024 + 10); // under the 10 MB document limit, over 1 MB
    expect(await failure(() => uploadBytes(uploader, { kind: "document", folder: undefined, name: "big.pdf", bytes: big }))).toMatchObject({ code: 20006 });
    expect(await db.storedFile.count()).toBe(rows);
    expect(onDisk(w.tenantB.id)).toEqual(files);
    // Another user of the tenant is not held to this user's usage.
    const small = await uploadBytes(uploader, { kind: "document", folder: undefined, name: "small.pdf", bytes: pdfBytes() });
    expect(small.ownerId).toBe(uploader.actor.userId);
  });

  it("checks the quota again when bytes already stored are accepted (uploadthing path): refused bytes are removed", async () => {
    // Fill the user's quota to within a few bytes, then let bytes arrive through the store.
    const used = (await db.storedFile.aggregate({ where: { ownerId: uploader.actor.userId }, _sum: { size: true } }))._sum.size ?? 0;
    await db.storedFile.create({
      data: {
        tenantId: w.tenantB.id,
        ownerId: uploader.actor.userId,
        folder: "filler01",
        kind: "document",
        mime: "application/pdf",
        ext: "pdf",
        name: "filler.pdf",
        size: 1024 * 1024 - used - 16,
        checksum: "0",
        storageKey: "fillerkey0001",
        url: localFileUrl("fillerkey0001"),
      },
    });
    const key = "arrivedQuota0001";
    await writeLocal(w.tenantB.id, key, await pngBytes(16, 16));
    const rows = await db.storedFile.count();
    const refused = await failure(() =>
      acceptFile(db, {
        tenantId: w.tenantB.id,
        actorId: uploader.actor.userId,
        ownerId: uploader.actor.userId,
        clientId: null,
        kind: "image",
        folder: undefined,
        name: "a.png",
        stored: { key, url: localFileUrl(key) },
      }),
    );
    expect(refused).toMatchObject({ code: 20006 });
    expect(await db.storedFile.count()).toBe(rows);
    expect(onDisk(w.tenantB.id)).not.toContain(key);
  });
});

describe("avatars", () => {
  it("an avatar becomes the user's; a second replaces the first (row and bytes); deleting it clears the avatar", async () => {
    const u = await w.makeUser(w.tenantB.id, "avatarb", ["user"]);
    const arrive = async (key: string) => {
      await writeLocal(w.tenantB.id, key, await pngBytes(64, 64));
      return acceptFile(db, {
        tenantId: w.tenantB.id,
        actorId: u.id,
        ownerId: u.id,
        clientId: null,
        kind: "avatar",
        folder: undefined,
        name: `${key}.png`,
        stored: { key, url: localFileUrl(key) },
      });
    };
    const first = await arrive("avatarFirst0001");
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).avatar).toBe(first.url);
    expect(onDisk(w.tenantB.id)).toContain("avatarFirst0001");

    const second = await arrive("avatarSecond001");
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).avatar).toBe(second.url);
    expect(await db.storedFile.findUnique({ where: { id: first.id } })).toBeNull();
    expect(onDisk(w.tenantB.id)).not.toContain("avatarFirst0001");
    expect(onDisk(w.tenantB.id)).toContain("avatarSecond001");

    // Avatars are readable by anyone signed in to the tenant, even without file permissions.
    expect((await fileForReading(plainWho, "avatarSecond001")).id).toBe(second.id);

    await deleteFile(adminB, second.id);
    expect(await db.storedFile.findUnique({ where: { id: second.id } })).toBeNull();
    expect(onDisk(w.tenantB.id)).not.toContain("avatarSecond001");
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).avatar).toBeNull();
    expect(await db.auditLog.findFirst({ where: { action: "file.delete", recordId: second.id } })).toMatchObject({
      actorId: w.managerB.id,
      tenantId: w.tenantB.id,
    });
  });
});

describe("reading, deleting and listing", () => {
  let pngB: Awaited<ReturnType<typeof uploadBytes>>;
  let mp4B: Awaited<ReturnType<typeof uploadBytes>>;
  let pngA: Awaited<ReturnType<typeof uploadBytes>>;
  let otherB: Scope;

  beforeAll(async () => {
    otherB = await whoFor((await w.makeUser(w.tenantB.id, "listerb", ["administrator"])).id, w.tenantB.id);
    pngB = await uploadBytes(adminB, { kind: "image", folder: "listing01", name: "b.png", bytes: await pngBytes(5, 5) });
    mp4B = await uploadBytes(otherB, { kind: "video", folder: "listing01", name: "b.mp4", bytes: mp4Bytes() });
    pngA = await uploadBytes(operator, { kind: "image", folder: "listing01", name: "a.png", bytes: await pngBytes(6, 6) });
  });

  it("another tenant's file is 20008 for get, delete and reading; nothing is removed", async () => {
    const key = (await db.storedFile.findUniqueOrThrow({ where: { id: pngB.id } })).storageKey;
    expect(await failure(() => getFile(operator, pngB.id))).toMatchObject({ code: 20008 });
    expect(await failure(() => deleteFile(operator, pngB.id))).toMatchObject({ code: 20008 });
    expect(await failure(() => fileForReading(operator, key))).toMatchObject({ code: 20008 });
    expect(await db.storedFile.findUnique({ where: { id: pngB.id } })).not.toBeNull();
    expect(onDisk(w.tenantB.id)).toContain(key);
    // And the other way round.
    const keyA = (await db.storedFile.findUniqueOrThrow({ where: { id: pngA.id } })).storageKey;
    expect(await failure(() => fileForReading(adminB, keyA))).toMatchObject({ code: 20008 });
    expect(await failure(() => getFile(adminB, pngA.id))).toMatchObject({ code: 20008 });
  });

  it("reading needs ownership or uc.file.detail", async () => {
    const key = (await db.storedFile.findUniqueOrThrow({ where: { id: pngB.id } })).storageKey;
    expect((await fileForReading(adminB, key)).id).toBe(pngB.id);
    expect((await fileForReading(otherB, key)).id).toBe(pngB.id); // uc.file.all
    expect(await failure(() => fileForReading(plainWho, key))).toMatchObject({ code: 10002 });
    expect(await failure(() => fileForReading(adminB, "noSuchKey0001"))).toMatchObject({ code: 20008 });
  });

  it("lists by kind, folder and mine, within the caller's tenant only", async () => {
    const all = await list(adminB, { take: 100 });
    expect(all.items.every((i) => i.tenantId === w.tenantB.id)).toBe(true);
    expect(all.items.map((i) => i.id)).toEqual(expect.arrayContaining([pngB.id, mp4B.id]));
    expect(all.items.map((i) => i.id)).not.toContain(pngA.id);
    expect(all.total).toBe(await db.storedFile.count({ where: { tenantId: w.tenantB.id } }));

    const videos = await list(adminB, { kind: "video", take: 100 });
    expect(videos.items.map((i) => i.id)).toEqual([mp4B.id]);
    expect(videos.items[0]).toMatchObject({ mime: "video/mp4", ownerName: "listerb" });

    const folder = await list(adminB, { folder: "listing01" });
    expect(folder.items.map((i) => i.id).sort()).toEqual([pngB.id, mp4B.id].sort());

    const mine = await list(otherB, { mine: true });
    expect(mine.items.map((i) => i.id)).toEqual([mp4B.id]);
    const mineString = await list(otherB, { mine: "true" as never });
    expect(mineString.total).toBe(1);

    const platform = await list(operator, { folder: "listing01" });
    expect(platform.items.map((i) => i.id)).toEqual([pngA.id]);
  });

  it("deleteFile removes the row and the bytes", async () => {
    const key = (await db.storedFile.findUniqueOrThrow({ where: { id: mp4B.id } })).storageKey;
    expect(onDisk(w.tenantB.id)).toContain(key);
    expect(await deleteFile(adminB, mp4B.id)).toEqual({ id: mp4B.id });
    expect(await db.storedFile.findUnique({ where: { id: mp4B.id } })).toBeNull();
    expect(onDisk(w.tenantB.id)).not.toContain(key);
    expect(await failure(() => getFile(adminB, mp4B.id))).toMatchObject({ code: 20008 });
  });
});

describe("the built-in ingest's refusals", () => {
  const ORIGIN = "http://localhost";
  const ingest = `${ORIGIN}/api/ut-ingest`;

  /** A PUT URL signed like uploadthing's generateSignedURL (or with the given changes). */
  function signedUrl(key: string, o: { expires?: number; tamper?: boolean; identifier?: string } = {}) {
    const unsigned = new URLSearchParams({
      expires: String(o.expires ?? Date.now() + 60_000),
      "x-ut-identifier": o.identifier ?? uploadThingKeys().appId,
      "x-ut-file-name": "a.png",
      "x-ut-file-size": "100",
      "x-ut-file-type": "image/png",
      "x-ut-slug": "image",
    }).toString();
    let signature = signHmac(`${ingest}/${key}?${unsigned}`, uploadThingKeys().apiKey);
    if (o.tamper) signature = signature.slice(0, -1) + (signature.endsWith("0") ? "1" : "0");
    return `${ingest}/${key}?${unsigned}&signature=${encodeURIComponent(signature)}`;
  }
  async function put(url: string, key: string, bytes?: Buffer) {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(bytes ?? (await pngBytes(4, 4)))]), "a.png");
    return handleIngest(db, new Request(url, { method: "PUT", body: form, headers: { range: "bytes=0-" } }), [key]);
  }
  const metadata = (apiKey: string, fileKeys: string[], callbackUrl = "http://127.0.0.1:9/api/uploadthing") =>
    new Request(`${ingest}/route-metadata`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-uploadthing-api-key": apiKey },
      body: JSON.stringify({ fileKeys, metadata: { tenantId: w.tenantB.id }, callbackUrl, callbackSlug: "image", awaitServerData: true }),
    });

  it("route-metadata with a wrong API key is 401 and records nothing", async () => {
    const res = await handleIngest(db, metadata("sk_wrong", ["ingestKey00001"]), ["route-metadata"]);
    expect(res.status).toBe(401);
    expect(await db.uploadIntent.findUnique({ where: { fileKey: "ingestKey00001" } })).toBeNull();
    const noKey = await handleIngest(db, new Request(`${ingest}/callback-result`, { method: "POST", body: "{}" }), ["callback-result"]);
    expect(noKey.status).toBe(401);
  });

  it("route-metadata with the right key records the intent", async () => {
    const res = await handleIngest(db, metadata(uploadThingKeys().apiKey, ["ingestKey00002"]), ["route-metadata"]);
    expect(res.status).toBe(200);
    expect(await db.uploadIntent.findUnique({ where: { fileKey: "ingestKey00002" } })).toMatchObject({ slug: "image" });
  });

  it("PUT with a tampered signature, an expired URL or another app's identifier is 403 {error}; nothing is written", async () => {
    const files = onDisk(w.tenantB.id);
    for (const url of [
      signedUrl("ingestKey00002", { tamper: true }),
      signedUrl("ingestKey00002", { expires: Date.now() - 1000 }),
      signedUrl("ingestKey00002", { identifier: "someone-else" }),
      `${ingest}/ingestKey00002?expires=${Date.now() + 60_000}`,
    ]) {
      const res = await put(url, "ingestKey00002");
      expect(res.status, url).toBe(403);
      expect(await res.json()).toEqual({ error: expect.any(String) });
    }
    expect(onDisk(w.tenantB.id)).toEqual(files);
    expect(await db.uploadIntent.findUnique({ where: { fileKey: "ingestKey00002" } })).not.toBeNull();
  });

  it("PUT for an unknown key is 404; a bad key or path is 404", async () => {
    const res = await put(signedUrl("ingestUnknown01"), "ingestUnknown01");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: expect.any(String) });
    expect((await handleIngest(db, new Request(`${ingest}/a/b`, { method: "PUT" }), ["a", "b"])).status).toBe(404);
    expect((await handleIngest(db, new Request(`${ingest}/..`, { method: "PUT" }), [".."])).status).toBe(404);
  });

  it("a PUT whose callback cannot be reached answers {error} and leaves no bytes", async () => {
    // The intent's callback URL is a closed port: the upload cannot be completed.
    const res = await put(signedUrl("ingestKey00002"), "ingestKey00002");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ error: expect.any(String) });
    expect(onDisk(w.tenantB.id)).not.toContain("ingestKey00002");
    expect(await db.uploadIntent.findUnique({ where: { fileKey: "ingestKey00002" } })).toBeNull();
  });

  it("a signed URL carries one upload: a PUT while another holds the upload, or a replay, finds nothing", async () => {
    await handleIngest(db, metadata(uploadThingKeys().apiKey, ["ingestKey00003"]), ["route-metadata"]);
    // Another PUT of this URL has claimed the upload and is still running.
    await db.uploadIntent.update({ where: { fileKey: "ingestKey00003" }, data: { claimedAt: new Date() } });
    const files = onDisk(w.tenantB.id);
    const second = await put(signedUrl("ingestKey00003"), "ingestKey00003");
    expect(second.status).toBe(404);
    expect(await second.json()).toEqual({ error: expect.any(String) });
    expect(onDisk(w.tenantB.id)).toEqual(files);
  });
});
