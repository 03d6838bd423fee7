import { createHash } from "node:crypto";
import http from "node:http";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { PORT, operatorApi } from "./helpers";
import { htmlBytes, mp4Bytes, padded, pdfBytes, pngBytes, svgBytes } from "../src/test/fixtures/files";

// Files through the real server: a program's uploads over /api/v1 (client-credentials token),
// the refusals it meets (each leaving no row and no bytes), and uploadthing's own protocol
// (presign, HEAD, PUT to the built-in ingest) driven from Node with a session bearer token.
test.describe.configure({ mode: "serial" });

/** Another tenant, on a host of its own (Node reaches it through 127.0.0.1 with that Host header). */
const OTHER_HOST = "files-b.test";
/** Where the server keeps the bytes (playwright.config.ts hands it E2E_DATA_DIR, else .data/e2e). */
const FILES_DIR = path.resolve(process.env.E2E_DATA_DIR ?? ".data/e2e", "files");
const MB = 1024 * 1024;
/** This run's folder: a retry or a second run never meets an earlier run's files. */
const FOLDER = `prog${Date.now().toString(36)}`;
const TENANT_ADMIN_PASSWORD = "Files-e2e-admin-pass-1";
const md5 = (s: string) => createHash("md5").update(s).digest("hex");
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

/** Every file under DATA_DIR/files (tenant directories, finished files and any `.part` leftovers). */
function filesOnDisk(dir = FILES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesOnDisk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** A raw request with any Host header and a binary body (rawRequest in helpers takes text only). */
function rawBinary(opts: { path: string; host: string; method?: string; headers?: Record<string, string>; body?: Buffer }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: PORT, path: opts.path, method: opts.method ?? "GET", headers: { host: opts.host, ...opts.headers } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

/** A multipart body by hand, for rawBinary. */
function multipart(fields: Record<string, string>, file: { name: string; type: string; bytes: Buffer }) {
  const boundary = `----uc${Date.now().toString(16)}`;
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: ${file.type}\r\n\r\n`),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

type FileItem = {
  id: string;
  kind: string;
  mime: string;
  name: string;
  size: number;
  url: string;
  folder: string;
  clientId: string | null;
  ownerId: string | null;
};
type Failure = { message: string; data: { appCode: number; description: string; httpStatus: number } };

let operator: APIRequestContext;
/** Removed after the run: the clients journey expects the default tenant to start with none. */
const createdClients: string[] = [];
let origin = "";
let clientToken = "";
let readOnlyToken = "";
let sessionToken = "";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function createClient(name: string, scopes: string[]) {
  const created = await operator.post("/api/v1/clients", { headers: { origin }, data: { name, scopes, tokenLifetime: 3600 } });
  expect(created.status(), await created.text()).toBe(200);
  const { id, clientId } = (await created.json()) as { id: string; clientId: string };
  createdClients.push(id);
  const secretRes = await operator.post(`/api/v1/clients/${id}/secrets`, { headers: { origin }, data: { description: "files e2e" } });
  expect(secretRes.status(), await secretRes.text()).toBe(200);
  const { secret } = (await secretRes.json()) as { secret: string };
  const tokenRes = await operator.post("/api/oauth/token", { headers: { authorization: basic(clientId, secret) }, form: { grant_type: "client_credentials" } });
  expect(tokenRes.status(), await tokenRes.text()).toBe(200);
  const token = (await tokenRes.json()) as { access_token: string; scope: string };
  expect(token.scope.split(" ").sort()).toEqual([...scopes].sort());
  return token.access_token;
}

test.beforeAll(async ({ playwright, baseURL }) => {
  origin = baseURL!;
  operator = await operatorApi(playwright, origin);
  const tenant = await operator.post("/api/v1/tenants", {
    headers: { origin },
    data: { name: "Files B", status: "enabled", hosts: [OTHER_HOST], claims: [], properties: [] },
  });
  expect([200, 409]).toContain(tenant.status());

  const run = Date.now().toString(36);
  clientToken = await createClient(`Files program ${run}`, ["uc.file.post", "uc.file.get", "uc.file.delete"]);
  readOnlyToken = await createClient(`Files reader ${run}`, ["uc.file.get"]);

  // The uploadthing journey signs in as an administrator of the default tenant (not the platform
  // operator, whose sessions work on every tenant's host by design).
  const roles = (await (await operator.get("/api/v1/users/role-options")).json()) as { id: string; name: string }[];
  const adminRole = roles.find((r) => r.name === "administrator")!;
  const userName = `files-admin-${run}`;
  const created = await operator.post("/api/v1/users", {
    headers: { origin },
    data: { userName, password: TENANT_ADMIN_PASSWORD, mustChangePassword: false, roleIds: [adminRole.id] },
  });
  expect(created.status(), await created.text()).toBe(200);
  const login = await operator.post("/api/v1/login/AddLoginr", { data: { ustr: userName, pwd: md5(TENANT_ADMIN_PASSWORD) }, headers: { cookie: "" } });
  const body = (await login.json()) as { error: number; result: { token: string } };
  expect(body.error, JSON.stringify(body)).toBe(0);
  sessionToken = body.result.token;
});
test.afterAll(async () => {
  for (const id of createdClients) await operator.delete(`/api/v1/clients/${id}`, { headers: { origin } });
  await operator?.dispose();
});

async function upload(
  request: APIRequestContext,
  token: string,
  kind: string,
  file: { name: string; mimeType: string; buffer: Buffer },
  o: { folderName?: string; lang?: string } = {},
) {
  return request.post("/api/v1/files/upload", {
    headers: { ...bearer(token), "accept-language": o.lang ?? "en" },
    multipart: { kind, ...(o.folderName === undefined ? {} : { folderName: o.folderName }), file },
  });
}

async function listFiles(request: APIRequestContext, token: string, query = "take=100") {
  const res = await request.get(`/api/v1/files?${query}`, { headers: bearer(token) });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as { total: number; items: FileItem[] };
}

async function expectFailure(res: APIResponse, status: number, appCode: number): Promise<Failure> {
  expect(res.status(), await res.text()).toBe(status);
  const body = (await res.json()) as Failure;
  expect(body.data.appCode).toBe(appCode);
  return body;
}

test("a program uploads an image, a video and a document, lists, reads and deletes them", async ({ request }) => {
  const png = await pngBytes(48, 32);
  const uploads = [
    // Names and declared types are the client's word; the bytes decide.
    { kind: "image", file: { name: "shot.bin", mimeType: "application/octet-stream", buffer: png }, mime: "image/png" },
    { kind: "video", file: { name: "clip.mp4", mimeType: "video/mp4", buffer: mp4Bytes() }, mime: "video/mp4" },
    { kind: "document", file: { name: "report.pdf", mimeType: "text/plain", buffer: pdfBytes() }, mime: "application/pdf" },
  ];
  const items: FileItem[] = [];
  for (const u of uploads) {
    const res = await upload(request, clientToken, u.kind, u.file, { folderName: FOLDER });
    expect(res.status(), await res.text()).toBe(200);
    const { items: got } = (await res.json()) as { items: FileItem[] };
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ kind: u.kind, mime: u.mime, name: u.file.name, folder: FOLDER, ownerId: null });
    expect(got[0]!.clientId).toMatch(/^[0-9a-f-]{36}$/);
    items.push(got[0]!);
  }
  const [image, video, doc] = items as [FileItem, FileItem, FileItem];
  expect(image.url).toMatch(/^\/api\/files\/[A-Za-z0-9_-]+$/);

  const listed = await listFiles(request, clientToken, `folder=${FOLDER}&take=100`);
  expect(listed.items.map((i) => i.id).sort()).toEqual(items.map((i) => i.id).sort());
  const videos = await listFiles(request, clientToken, `folder=${FOLDER}&kind=video`);
  expect(videos.items.map((i) => i.id)).toEqual([video.id]);

  // The bytes, as stored (a re-encoded PNG), with the type decided at upload and nosniff.
  const bytes = await request.get(image.url, { headers: bearer(clientToken) });
  expect(bytes.status(), await bytes.text()).toBe(200);
  expect(bytes.headers()["content-type"]).toBe("image/png");
  expect(bytes.headers()["x-content-type-options"]).toBe("nosniff");
  // Served bytes never run script in our origin.
  expect(bytes.headers()["content-security-policy"]).toContain("sandbox");
  const body = await bytes.body();
  expect(body.subarray(1, 4).toString()).toBe("PNG");
  expect(body.length).toBe(image.size);
  // Without a token: not signed in.
  expect((await request.get(image.url)).status()).toBe(401);
  const pdf = await request.get(doc.url, { headers: bearer(clientToken) });
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  // A PDF opens inline in the browser's viewer, sandboxed like every stored file.
  expect(pdf.headers()["content-disposition"]).toMatch(/^inline/);
  expect(pdf.headers()["content-security-policy"]).toMatch(/^default-src 'none';.*\bsandbox\b/);

  // Base64 PNG.
  const b64 = await request.post("/api/v1/files/base64", {
    headers: bearer(clientToken),
    data: { data: (await pngBytes(10, 10)).toString("base64"), name: "b64.png", folderName: FOLDER },
  });
  expect(b64.status(), await b64.text()).toBe(200);
  expect(await b64.json()).toMatchObject({ kind: "image", mime: "image/png", width: 10, height: 10, name: "b64.png" });

  // Delete one: gone from the list, and its bytes with it.
  const del = await request.delete(`/api/v1/files/${video.id}`, { headers: bearer(clientToken) });
  expect(del.status(), await del.text()).toBe(200);
  const after = await listFiles(request, clientToken, `folder=${FOLDER}&take=100`);
  expect(after.items.map((i) => i.id)).not.toContain(video.id);
  expect(after.total).toBe(3);
  expect((await request.get(video.url, { headers: bearer(clientToken) })).status()).toBe(404);
  await expectFailure(await request.delete(`/api/v1/files/${video.id}`, { headers: bearer(clientToken) }), 404, 20008);
});

test("refusals leave no row and no bytes, and answer in the caller's language", async ({ request }) => {
  const before = await listFiles(request, clientToken);
  const disk = filesOnDisk();
  expect(disk.length).toBeGreaterThan(0);

  // Renamed HTML as an image: 415 / 20001, in English and in Chinese.
  const html = { name: "cat.png", mimeType: "image/png", buffer: htmlBytes() };
  const en = await expectFailure(await upload(request, clientToken, "image", html, { lang: "en" }), 415, 20001);
  expect(en.data.description).toBe("Judged by its content, this file cannot be uploaded here");
  const zh = await expectFailure(await upload(request, clientToken, "image", html, { lang: "zh-CN" }), 415, 20001);
  expect(zh.data.description).toBe("按文件内容判断，这种文件不能上传到这里");
  // Renamed HTML as a document, and an SVG image (script-capable): 20001.
  await expectFailure(await upload(request, clientToken, "document", { name: "doc.pdf", mimeType: "application/pdf", buffer: htmlBytes() }), 415, 20001);
  await expectFailure(await upload(request, clientToken, "image", { name: "logo.svg", mimeType: "image/svg+xml", buffer: svgBytes() }), 415, 20001);

  // An image over 10 MB: 413 / 20002.
  const big = padded(await pngBytes(8, 8), 10 * MB + 1);
  await expectFailure(await upload(request, clientToken, "image", { name: "big.png", mimeType: "image/png", buffer: big }), 413, 20002);

  // A bad folder name: 400 / 20005, both languages.
  const png = { name: "ok.png", mimeType: "image/png", buffer: await pngBytes(4, 4) };
  const folderEn = await expectFailure(await upload(request, clientToken, "image", png, { folderName: "ab", lang: "en" }), 400, 20005);
  expect(folderEn.data.description).toContain("5–30 letters or digits");
  const folderZh = await expectFailure(await upload(request, clientToken, "image", png, { folderName: "ab", lang: "zh-CN" }), 400, 20005);
  expect(folderZh.data.description).toContain("5–30 个字母或数字");

  // Base64 of something that is not a PNG.
  const b64 = await request.post("/api/v1/files/base64", {
    headers: { ...bearer(clientToken), "accept-language": "en" },
    data: { data: htmlBytes().toString("base64") },
  });
  await expectFailure(b64, 415, 20001);

  // A client whose token lacks uc.file.post: 403 / 17005.
  await expectFailure(await upload(request, readOnlyToken, "image", png), 403, 17005);

  // The client's token on another tenant's host: not signed in there (401 / 10001).
  const form = multipart({ kind: "image" }, { name: "x.png", type: "image/png", bytes: png.buffer });
  const other = await rawBinary({
    path: "/api/v1/files/upload",
    host: `${OTHER_HOST}:${PORT}`,
    method: "POST",
    headers: { ...bearer(clientToken), "content-type": form.contentType, "content-length": String(form.body.length), "accept-language": "en" },
    body: form.body,
  });
  expect(other.status, other.body).toBe(401);
  expect((JSON.parse(other.body) as Failure).data.appCode).toBe(10001);
  // And the other tenant's list is not reachable with it either.
  expect((await rawBinary({ path: "/api/v1/files", host: `${OTHER_HOST}:${PORT}`, headers: bearer(clientToken) })).status).toBe(401);

  const after = await listFiles(request, clientToken);
  expect(after.total).toBe(before.total);
  expect(after.items.map((i) => i.id)).toEqual(before.items.map((i) => i.id));
  expect(filesOnDisk().sort()).toEqual(disk.sort());
});

test.describe("uploadthing's protocol against the built-in ingest", () => {
  type Presigned = { url: string; key: string; name: string; customId: string | null };

  function presign(
    request: APIRequestContext,
    slug: string,
    files: { name: string; size: number; type: string }[],
    input: Record<string, unknown> = {},
    lang = "en",
  ) {
    return request.post(`/api/uploadthing?actionType=upload&slug=${slug}`, {
      headers: { ...bearer(sessionToken), "content-type": "application/json", "accept-language": lang },
      data: { files: files.map((f) => ({ ...f, lastModified: Date.now() })), input },
    });
  }
  async function presignOne(request: APIRequestContext, file: { name: string; type: string; bytes: Buffer }, folderName: string) {
    const res = await presign(request, "image", [{ name: file.name, size: file.bytes.length, type: file.type }], { folderName });
    expect(res.status(), await res.text()).toBe(200);
    const [p] = (await res.json()) as Presigned[];
    expect(p!.url).toContain(`/api/ut-ingest/${p!.key}?`);
    return p!;
  }
  function putFile(request: APIRequestContext, url: string, file: { name: string; type: string; bytes: Buffer }) {
    return request.put(url, { headers: { range: "bytes=0-" }, multipart: { file: { name: file.name, mimeType: file.type, buffer: file.bytes } } });
  }

  test("presign, HEAD and PUT of a PNG record the file", async ({ request }) => {
    const file = { name: "ut.png", type: "image/png", bytes: await pngBytes(20, 20) };
    const p = await presignOne(request, file, "utflow01");
    const head = await request.head(p.url);
    expect(head.status()).toBe(200);
    expect(head.headers()["x-ut-range-start"]).toBe("0");
    const put = await putFile(request, p.url, file);
    expect(put.status(), await put.text()).toBe(200);
    const done = (await put.json()) as {
      url: string;
      ufsUrl: string;
      fileHash: string;
      serverData: { file?: { id: string; url: string; name: string; kind: string; size: number }; error?: unknown };
    };
    expect(done.serverData.error).toBeUndefined();
    expect(done.serverData.file).toMatchObject({ name: "ut.png", kind: "image", url: `/api/files/${p.key}` });
    expect(done.ufsUrl).toBe(`/api/files/${p.key}`);

    const listed = await listFiles(request, sessionToken, "folder=utflow01");
    expect(listed.items.map((i) => i.id)).toEqual([done.serverData.file!.id]);
    expect(listed.items[0]).toMatchObject({ mime: "image/png", kind: "image" });
    expect(filesOnDisk().some((f) => f.endsWith(`/${p.key}`))).toBe(true);
    const bytes = await request.get(done.serverData.file!.url, { headers: bearer(sessionToken) });
    expect(bytes.status()).toBe(200);
    expect(bytes.headers()["content-type"]).toBe("image/png");
  });

  test("a PUT with one character of the signature changed is 403; the upload can still finish with the right one", async ({ request }) => {
    const file = { name: "sig.png", type: "image/png", bytes: await pngBytes(6, 6) };
    const p = await presignOne(request, file, "utflow02");
    const at = p.url.indexOf("signature=hmac-sha256") + "signature=hmac-sha256%3D".length;
    expect(at).toBeGreaterThan(40);
    const tampered = p.url.slice(0, at) + (p.url[at] === "a" ? "b" : "a") + p.url.slice(at + 1);
    expect(tampered).not.toBe(p.url);
    const disk = filesOnDisk();
    const refused = await putFile(request, tampered, file);
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toEqual({ error: expect.any(String) });
    expect(filesOnDisk().sort()).toEqual(disk.sort());
    expect((await listFiles(request, sessionToken, "folder=utflow02")).total).toBe(0);

    const put = await putFile(request, p.url, file);
    expect(put.status(), await put.text()).toBe(200);
    const done = (await put.json()) as { serverData: { file?: { id: string } } };
    expect((await listFiles(request, sessionToken, "folder=utflow02")).items.map((i) => i.id)).toEqual([done.serverData.file!.id]);
  });

  test("renamed HTML is refused in serverData (20001) and leaves nothing behind", async ({ request }) => {
    const before = await listFiles(request, sessionToken);
    const disk = filesOnDisk();
    const file = { name: "evil.png", type: "image/png", bytes: htmlBytes() };
    const p = await presignOne(request, file, "utflow03");
    const put = await putFile(request, p.url, file);
    expect(put.status(), await put.text()).toBe(200);
    const done = (await put.json()) as { serverData: { error?: { code: number; message: string }; file?: unknown } };
    expect(done.serverData.file).toBeUndefined();
    expect(done.serverData.error).toMatchObject({ code: 20001 });
    expect(done.serverData.error!.message).toContain("20001");
    const after = await listFiles(request, sessionToken);
    expect(after.total).toBe(before.total);
    expect(filesOnDisk().sort()).toEqual(disk.sort());
  });

  test("presign refusals: folder name, declared size, another tenant's host", async ({ request }) => {
    const disk = filesOnDisk();
    const bad = await presign(request, "image", [{ name: "a.png", size: 100, type: "image/png" }], { folderName: "x" });
    expect(bad.status()).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain("20005");
    const badZh = await presign(request, "image", [{ name: "a.png", size: 100, type: "image/png" }], { folderName: "x" }, "zh-CN");
    expect(badZh.status()).toBe(400);
    expect(((await badZh.json()) as { message: string }).message).toBe("文件夹名称须为 5–30 个字母或数字 (20005)");

    const big = await presign(request, "image", [{ name: "big.png", size: 10 * MB + 1, type: "image/png" }], { folderName: "utflow04" });
    expect(big.status()).toBe(413);
    expect(((await big.json()) as { message: string }).message).toContain("20002");
    const bigAvatar = await presign(request, "avatar", [{ name: "me.png", size: 2 * MB + 1, type: "image/png" }]);
    expect(bigAvatar.status()).toBe(413);
    expect(((await bigAvatar.json()) as { message: string }).message).toContain("20002");

    // The default tenant's session token on another tenant's host: not signed in there.
    const payload = JSON.stringify({ files: [{ name: "a.png", size: 100, type: "image/png", lastModified: Date.now() }], input: { folderName: "utflow05" } });
    const other = await rawBinary({
      path: "/api/uploadthing?actionType=upload&slug=image",
      host: `${OTHER_HOST}:${PORT}`,
      method: "POST",
      headers: { ...bearer(sessionToken), "content-type": "application/json", "accept-language": "en" },
      body: Buffer.from(payload),
    });
    // UploadThing's error codes have no 401; our route answers "not signed in" (10001) as 401.
    expect(other.status, other.body).toBe(401);
    expect((JSON.parse(other.body) as { message: string }).message).toBe("Sign in first; the session or token is missing, expired or ended (10001)");
    expect(filesOnDisk().sort()).toEqual(disk.sort());
  });
});
