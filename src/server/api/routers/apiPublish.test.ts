import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld, imported } from "~/test/fixtures";
import { drainAllJobs } from "~/server/jobs/queues";
import { revisionImportJobResult } from "~/lib/validators/api-publish";
import { importRevision } from "~/server/services/api-publishing";
import { systemScope } from "~/server/services/scope";

// Import jobs run here through drainAllJobs, not through the background kick of the procedure.
process.env.UC_EXPORT_WORKER = "off";

const t = setupWorld();
let w: typeof t.w;

/** Swagger 2.0 in YAML, as an older service would publish it. */
const SWAGGER2_YAML = `swagger: "2.0"
info: { title: Pet store, version: "1.0" }
basePath: /v1
paths:
  /pets:
    get:
      operationId: listPets
      parameters: [{ name: limit, in: query, type: integer }]
      responses: { "200": { description: the pets, schema: { type: array, items: { $ref: "#/definitions/Pet" } } } }
  /pets/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, type: string }]
      responses: { "200": { description: one pet } }
    delete:
      parameters: [{ name: id, in: path, required: true, type: string }]
      responses: { "204": { description: deleted } }
definitions:
  Pet: { type: object, properties: { name: { type: string } } }
`;

/** The same API in OpenAPI 3.1 JSON: GET /pets/{id} removed, a required query parameter added to GET /pets, POST /pets added. */
const OPENAPI31 = {
  openapi: "3.1.0",
  info: { title: "Pet store", version: "2.0" },
  paths: {
    "/pets": {
      get: {
        operationId: "listPets",
        parameters: [
          { name: "limit", in: "query", schema: { type: "integer" } },
          { name: "owner", in: "query", required: true, schema: { type: "string" } },
        ],
        responses: { "200": { description: "the pets" } },
      },
      post: { responses: { "201": { description: "created" } } },
    },
    "/pets/{id}": {
      delete: { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: { "204": { description: "deleted" } } },
    },
  },
};

/** Only an added operation: not breaking. */
const OPENAPI31_ADDITIVE = structuredClone(OPENAPI31);
(OPENAPI31_ADDITIVE.paths as Record<string, unknown>)["/owners"] = { get: { responses: { "200": { description: "owners" } } } };

/** A response without its `description` (a typo): refused with the place of the error. */
const BROKEN = { openapi: "3.1.0", info: { title: "x", version: "1" }, paths: { "/a": { get: { responses: { "200": { descriptio: "typo" } } } } } };

let server: Server;
/** What the document server does before answering /cancel-me. */
let onCancelMe: () => Promise<unknown> = async () => undefined;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  w = t.w;
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === "/petstore.yaml") return res.writeHead(200, { "content-type": "application/yaml" }).end(SWAGGER2_YAML);
    if (req.url === "/broken.json") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(BROKEN));
    if (req.url === "/cancel-me") {
      // The creator cancels while the job is fetching this very document: the job must stop before it stores anything.
      return void onCancelMe().then(() => res.writeHead(200, { "content-type": "application/yaml" }).end(SWAGGER2_YAML));
    }
    if (req.url === "/moved") return res.writeHead(302, { location: "/petstore.yaml" }).end();
    if (req.url === "/to-metadata") return res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    if (req.url === "/to-other-loopback")
      return res.writeHead(302, { location: `http://127.0.0.2:${(server.address() as AddressInfo).port}/petstore.yaml` }).end();
    if (req.url === "/huge") {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let n = 0;
      const more = () => {
        while (n < 12 && res.write(chunk)) n++;
        if (n < 12) res.once("drain", more);
        else res.end("{}");
      };
      return more();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Lets the loopback document server through the outbound guard, as a platform operator may for one address. */
async function allowingLoopback<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
  process.env.UC_OUTBOUND_ALLOW_ADDRESSES = "127.0.0.1";
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
    else process.env.UC_OUTBOUND_ALLOW_ADDRESSES = before;
  }
}

async function freshApi(name: string) {
  const admin = await w.callerFor(w.managerB.id);
  const api = await admin.apiResource.create({ name });
  const v1 = await admin.apiPublish.createVersion({ id: api.id, name: "v1" });
  return { admin, api, v1 };
}

type Caller = Awaited<ReturnType<typeof w.callerFor>>;

/** Starts an import by URL (answering its job at once, nothing imported yet) and runs the job as the runner would. */
async function startImport(admin: Caller, input: { id: string; versionId: string; url: string; note?: string }) {
  const { url, ...rest } = input;
  const answer = await admin.apiPublish.importRevision({ ...rest, source: { kind: "url", url } });
  expect(answer).toEqual({ jobId: expect.any(String) });
  const jobId = (answer as { jobId: string }).jobId;
  expect(await admin.job.get({ id: jobId })).toMatchObject({ kind: "api.import", status: "queued" });
  return jobId;
}

/** Runs every queued job, with the loopback document server let through the outbound guard unless `allow` is false. */
const drain = (allow = true) => (allow ? allowingLoopback(() => drainAllJobs(t.db, { progressEveryMs: 0 })) : drainAllJobs(t.db, { progressEveryMs: 0 }));

/** An import by URL run to its end, done: the job and the revision it created. */
async function importByUrl(admin: Caller, input: { id: string; versionId: string; url: string; note?: string }) {
  const count = () => t.db.apiRevision.count({ where: { apiVersionId: input.versionId } });
  const before = await count();
  const jobId = await startImport(admin, input);
  expect(await count()).toBe(before); // nothing fetched inside the request
  await drain();
  expect(await count()).toBe(before + 1);
  const job = await admin.job.get({ id: jobId });
  expect(job).toMatchObject({ status: "done", steps: ["fetch", "parse", "import", "record"], done: 4, total: 4, error: null });
  return revisionImportJobResult.parse(job.result);
}

/** An import by URL run to its end, failed: the job and the error it kept in both languages. */
async function failedImport(admin: Caller, input: { id: string; versionId: string; url: string }, allow = true) {
  const jobId = await startImport(admin, input);
  await drain(allow);
  const job = await admin.job.get({ id: jobId });
  expect(job.status).toBe("failed");
  const result = revisionImportJobResult.parse(job.result);
  expect(result.revision).toBeNull();
  return { job, failure: result.failure! };
}

describe("API publishing: import, versions, changelog, online", () => {
  it("imports Swagger 2.0 YAML by URL (converted to OpenAPI 3.1) and OpenAPI 3.1 JSON by upload, numbering the revisions", async () => {
    const { admin, api, v1 } = await freshApi("pets");
    const job = await importByUrl(admin, { id: api.id, versionId: v1.id, note: "first", url: `${base}/moved` });
    const r1 = (await admin.apiPublish.versions({ id: api.id }))[0]!.revisions.find((r) => r.id === job.revision!.id)!;
    expect(r1).toMatchObject({
      number: 1,
      sourceFormat: "swagger-2.0",
      sourceSyntax: "yaml",
      title: "Pet store",
      operationCount: 3,
      current: true,
      online: false,
    });
    expect(r1.sourceOrigin).toBe(`${base}/moved`);
    const detail = await admin.apiPublish.revision({ id: r1.id });
    expect(detail.document.openapi).toMatch(/^3\.1/);
    expect(detail.changes).toBeNull();
    const stored = await t.db.apiRevision.findUniqueOrThrow({ where: { id: r1.id } });
    expect(stored.source).toBe(SWAGGER2_YAML);

    const r2 = await imported(
      admin.apiPublish.importRevision({
        id: api.id,
        versionId: v1.id,
        source: { kind: "text", text: JSON.stringify(OPENAPI31), fileName: "pets.json" },
      }),
    );
    expect(r2).toMatchObject({ number: 2, sourceFormat: "openapi-3.1", sourceSyntax: "json", sourceOrigin: "pets.json", operationCount: 3 });
    const versions = await admin.apiPublish.versions({ id: api.id });
    expect(versions).toHaveLength(1);
    expect(versions[0]!.revisions.map((r) => [r.number, r.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    const audit = await t.db.auditLog.findMany({ where: { recordId: { in: [r1.id, r2.id, v1.id] } }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["apiresource.publishversion", "apiresource.publishrevision", "apiresource.publishrevision"]);
  });

  it("refuses a broken document with its errors and where they are, and stores nothing", async () => {
    const { admin, api, v1 } = await freshApi("broken");
    const broken = { openapi: "3.1.0", info: { title: "x", version: "1" }, paths: { "/a": { get: { responses: { "200": { descriptio: "typo" } } } } } };
    const f = await failure(() => admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(broken) } }));
    expect(f).toMatchObject({ code: 300002, trpc: "BAD_REQUEST" });
    expect(f.fields!.source![0]).toBe("The document does not follow the specification at these places:");
    expect(f.fields!.source!.join("\n")).toContain("paths › /a › get › responses › 200");
    for (const text of ["not: [valid", "[1, 2]", '{"info": {"title": "no version field"}}', "%%%"]) {
      expect(await failure(() => admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text } }))).toMatchObject({
        code: 300002,
      });
    }
    expect(await t.db.apiRevision.count({ where: { apiVersionId: v1.id } })).toBe(0);
  });

  it("never reads a $ref to a file or another address", async () => {
    const { admin, api, v1 } = await freshApi("refs");
    const before = hits.length;
    for (const ref of ["/etc/hostname", "file:///etc/passwd", "http://169.254.169.254/latest#/x", `${base}/petstore.yaml`, "other.yaml#/Pet"]) {
      const doc = { openapi: "3.1.0", info: { title: "x", version: "1" }, paths: { "/a": { get: { responses: { "200": { $ref: ref } } } } } };
      const f = await failure(() => admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(doc) } }));
      expect(f).toMatchObject({ code: 300002 });
      expect(f.fields!.source![0]).toMatch(/References to other files or addresses are not read/);
      expect(f.fields!.source![1]).toContain(ref);
    }
    expect(hits.length).toBe(before);
    expect(await t.db.apiRevision.count({ where: { apiVersionId: v1.id } })).toBe(0);
  });

  it("fetches only public addresses: loopback without the operator's allowance, a redirect to metadata or to another internal address, and 10 MB+ end the job failed", async () => {
    const { admin, api, v1 } = await freshApi("fetching");
    const audits = await t.db.auditLog.count({ where: { action: "apiresource.publishrevision" } });
    const before = hits.length;
    const direct = await failedImport(admin, { id: api.id, versionId: v1.id, url: `${base}/petstore.yaml` }, false);
    expect(direct.failure).toMatchObject({ appCode: 300012 });
    expect(direct.failure.en.fields["source.url"]).toEqual([expect.stringMatching(/^Only public addresses are fetched/)]);
    expect(direct.failure["zh-CN"].fields["source.url"]).toEqual([expect.stringMatching(/^只获取公网地址/)]);
    expect(direct.job.step).toBe("fetch");
    expect(hits.length).toBe(before); // refused at connect time: the server never saw the request
    for (const path of ["/to-metadata", "/to-other-loopback"]) {
      expect((await failedImport(admin, { id: api.id, versionId: v1.id, url: `${base}${path}` })).failure).toMatchObject({ appCode: 300012 });
    }
    const huge = await failedImport(admin, { id: api.id, versionId: v1.id, url: `${base}/huge` });
    expect(huge.failure).toMatchObject({ appCode: 300013, en: { description: expect.stringMatching(/10 MB/) } });
    expect(huge.job.error).toBe(huge.failure["zh-CN"].description); // the creator's language (zh-CN by default)
    // Addresses the schema refuses never become a job.
    for (const url of ["ftp://example.com/a.yaml", "javascript:alert(1)", "http://user:pw@example.com/a"]) {
      const f = await failure(() => admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "url", url } }));
      expect([10003, 300012]).toContain(f.appCode);
    }
    expect(await t.db.apiRevision.count({ where: { apiVersionId: v1.id } })).toBe(0);
    expect(await t.db.auditLog.count({ where: { action: "apiresource.publishrevision" } })).toBe(audits);
  });

  it("a document the URL answers that does not follow the specification ends the job failed with the list of its errors, in both languages", async () => {
    const { admin, api, v1 } = await freshApi("broken-url");
    const { job, failure: f } = await failedImport(admin, { id: api.id, versionId: v1.id, url: `${base}/broken.json` });
    expect(job).toMatchObject({ kind: "api.import", status: "failed", step: "parse", steps: ["fetch", "parse", "import", "record"] });
    expect(f.appCode).toBe(300002);
    expect(f.en.fields.source![0]).toBe("The document does not follow the specification at these places:");
    expect(f.en.fields.source!.join("\n")).toContain("paths › /a › get › responses › 200");
    expect(f["zh-CN"].fields.source![0]).not.toBe(f.en.fields.source![0]);
    expect(job.error).toContain("paths › /a › get › responses › 200");
    expect(await t.db.apiRevision.count({ where: { apiVersionId: v1.id } })).toBe(0);
  });

  it("marks a revision that removes an operation as breaking, asks before putting it online, and keeps release notes", async () => {
    const { admin, api, v1 } = await freshApi("changes");
    const r1 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: SWAGGER2_YAML } }));
    const first = await admin.apiPublish.setOnline({ id: r1.id, notes: "First release" });
    expect(first.release).toMatchObject({ revisionNumber: 1, versionName: "v1", notes: "First release" });
    expect(await failure(() => admin.apiPublish.setOnline({ id: r1.id }))).toMatchObject({ code: 300004 });

    const r2 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(OPENAPI31) } }));
    expect(r2.breaking).toBe(true);
    const { changes } = await admin.apiPublish.revision({ id: r2.id });
    const byOp = Object.fromEntries(changes!.operations.map((o) => [`${o.method} ${o.path}`, o]));
    expect(byOp["GET /pets/{id}"]).toMatchObject({ kind: "removed", breaking: true });
    expect(byOp["POST /pets"]).toMatchObject({ kind: "added", breaking: false });
    expect(byOp["GET /pets"]).toMatchObject({ kind: "changed", breaking: true });
    expect(byOp["DELETE /pets/{id}"]).toBeUndefined();

    expect(await failure(() => admin.apiPublish.setOnline({ id: r2.id, notes: "v2 of the pets" }))).toMatchObject({ code: 300011, trpc: "CONFLICT" });
    expect((await t.db.apiVersion.findUniqueOrThrow({ where: { id: v1.id } })).onlineRevisionId).toBe(r1.id);
    const second = await admin.apiPublish.setOnline({ id: r2.id, notes: "Breaking, confirmed", confirmBreaking: true });
    expect(second.changes?.breaking).toBe(true);
    const versions = await admin.apiPublish.versions({ id: api.id });
    expect(versions[0]!.revisions.map((r) => [r.number, r.online])).toEqual([
      [2, true],
      [1, false],
    ]);

    // An additive revision goes online without asking.
    const r3 = await imported(
      admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(OPENAPI31_ADDITIVE) } }),
    );
    expect(r3.breaking).toBe(false);
    await admin.apiPublish.setOnline({ id: r3.id });

    const releases = await admin.apiPublish.releases({ id: api.id });
    expect(releases.total).toBe(3);
    expect(releases.items.map((r) => r.revisionNumber)).toEqual([3, 2, 1]);
    const edited = await admin.apiPublish.updateRelease({ id: releases.items[2]!.id, notes: "First release, edited" });
    expect(edited.notes).toBe("First release, edited");
    const added = await admin.apiPublish.createRelease({ revisionId: r1.id, notes: "A note on the first release" });
    await admin.apiPublish.deleteRelease({ id: added.id });
    expect(await failure(() => admin.apiPublish.updateRelease({ id: added.id, notes: "gone" }))).toMatchObject({ code: 300014 });
    // A revision never put online has no release notes.
    const r4 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: SWAGGER2_YAML } }));
    expect(await failure(() => admin.apiPublish.createRelease({ revisionId: r4.id, notes: "x" }))).toMatchObject({ code: 300004 });
    expect(await failure(() => admin.apiPublish.updateRelease({ id: edited.id, notes: "" }))).toMatchObject({ appCode: 10003 });
  });

  it("keeps versions apart and names in use refused", async () => {
    const { admin, api } = await freshApi("versions");
    const v2 = await admin.apiPublish.createVersion({ id: api.id, name: "v2", scheme: "header" });
    expect(v2).toMatchObject({ name: "v2", scheme: "header", revisions: [] });
    expect(await failure(() => admin.apiPublish.createVersion({ id: api.id, name: "v2" }))).toMatchObject({ code: 300010, trpc: "CONFLICT" });
    const bad = await failure(() => admin.apiPublish.createVersion({ id: api.id, name: "v 2/../x" }));
    expect(bad.fields?.name?.[0]).toMatch(/starts with a letter or digit/);
    expect((await admin.apiPublish.versions({ id: api.id })).map((v) => v.name)).toEqual(["v1", "v2"]);
  });

  it("keeps the last publish configuration; its suffix is unique in the tenant and its scopes the API's", async () => {
    const admin = await w.callerFor(w.managerB.id);
    await admin.apiScope.create({ name: "orders.read.pub" });
    const api = await admin.apiResource.create({ name: "orders-pub", scopes: ["orders.read.pub"] });
    const other = await admin.apiResource.create({ name: "other-pub" });
    expect(await admin.apiPublish.publishConfig({ id: api.id })).toBeNull();
    const saved = await admin.apiPublish.savePublishConfig({
      id: api.id,
      suffix: "orders",
      scopes: ["orders.read.pub"],
      openId: true,
      backendUrl: "https://backend.example.com/api",
    });
    expect(saved).toMatchObject({ suffix: "orders", authServer: "self", scopes: ["orders.read.pub"], openId: true });
    expect(await admin.apiPublish.publishConfig({ id: api.id })).toMatchObject({ suffix: "orders" });
    expect(await failure(() => admin.apiPublish.savePublishConfig({ id: other.id, suffix: "orders" }))).toMatchObject({ code: 300015 });
    expect(await failure(() => admin.apiPublish.savePublishConfig({ id: other.id, suffix: "x", scopes: ["orders.read.pub"] }))).toMatchObject({ code: 18004 });
    const badSuffix = await failure(() => admin.apiPublish.savePublishConfig({ id: other.id, suffix: "has-dash" }));
    expect(badSuffix.fields?.suffix?.[0]).toMatch(/Letters and digits only/);
  });

  it("keeps each tenant's and each owner's publishing to themselves", async () => {
    const { admin, api, v1 } = await freshApi("private-pub");
    const r1 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: SWAGGER2_YAML } }));
    const adminA = await w.makeUser(w.platform.id, "pub-admin-a", ["administrator"]);
    const a = await w.callerFor(adminA.id, w.platform);
    expect(await failure(() => a.apiPublish.versions({ id: api.id }))).toMatchObject({ code: 18001, trpc: "NOT_FOUND" });
    expect(await failure(() => a.apiPublish.revision({ id: r1.id }))).toMatchObject({ code: 300009 });
    expect(await failure(() => a.apiPublish.setOnline({ id: r1.id }))).toMatchObject({ code: 300009 });
    expect(await failure(() => a.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: SWAGGER2_YAML } }))).toMatchObject({
      code: 18001,
    });
    // A developer who does not own the API, and a plain user, get nothing either.
    const dev = await w.makeUser(w.tenantB.id, "pub-dev", ["developer"]);
    const d = await w.callerFor(dev.id);
    expect(await failure(() => d.apiPublish.revision({ id: r1.id }))).toMatchObject({ code: 300009 });
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.apiPublish.versions({ id: api.id }))).toMatchObject({ trpc: "FORBIDDEN" });
    const anonymous = await w.callerFor(null);
    expect(await failure(() => anonymous.apiPublish.versions({ id: api.id }))).toMatchObject({ trpc: "UNAUTHORIZED" });
    // A version id of another API is not found through this one.
    const { api: api2 } = await freshApi("private-pub-2");
    expect(
      await failure(() => admin.apiPublish.importRevision({ id: api2.id, versionId: v1.id, source: { kind: "text", text: SWAGGER2_YAML } })),
    ).toMatchObject({
      code: 300001,
    });
  });
});

describe("API publishing: an import by URL is a job", () => {
  it("only its creator reads or cancels it: not a colleague of the same tenant, not a user of another tenant", async () => {
    const { admin, api, v1 } = await freshApi("job-access");
    const jobId = await startImport(admin, { id: api.id, versionId: v1.id, url: `${base}/petstore.yaml` });
    const colleague = await w.callerFor((await w.makeUser(w.tenantB.id, "importpeer", ["administrator"])).id);
    const stranger = await w.callerFor((await w.makeUser(w.platform.id, "importstranger", ["administrator"])).id, w.platform);
    for (const other of [colleague, stranger]) {
      expect((await failure(() => other.job.get({ id: jobId }))).code).toBe(200027);
      expect((await failure(() => other.job.cancel({ id: jobId }))).code).toBe(200027);
    }
    expect(await admin.job.get({ id: jobId })).toMatchObject({ status: "queued" });
    const row = await t.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(row).toMatchObject({ kind: "api.import", tenantId: w.tenantB.id, actorId: w.managerB.id });
    expect(row.input).toMatchObject({ id: api.id, versionId: v1.id, url: `${base}/petstore.yaml`, note: null });
    await drain();
    expect((await admin.job.get({ id: jobId })).status).toBe("done");
  });

  it("cancelled while queued or while fetching, it stores nothing", async () => {
    const { admin, api, v1 } = await freshApi("job-cancel");
    const audits = await t.db.auditLog.count({ where: { action: "apiresource.publishrevision" } });
    const queued = await startImport(admin, { id: api.id, versionId: v1.id, url: `${base}/petstore.yaml` });
    expect(await admin.job.cancel({ id: queued })).toMatchObject({ status: "cancelled", cancelRequested: true });
    expect(await drain()).toBe(0);

    const running = await startImport(admin, { id: api.id, versionId: v1.id, url: `${base}/cancel-me` });
    onCancelMe = async () => expect(await admin.job.cancel({ id: running })).toMatchObject({ status: "running", cancelRequested: true });
    try {
      expect(await drain()).toBe(1);
    } finally {
      onCancelMe = async () => undefined;
    }
    const job = await admin.job.get({ id: running });
    expect(job).toMatchObject({ status: "cancelled", error: "Cancelled on request" });
    expect(job.log).toContain("■ cancelled");
    expect(await t.db.apiRevision.count({ where: { apiVersionId: v1.id } })).toBe(0);
    expect(await t.db.auditLog.count({ where: { action: "apiresource.publishrevision" } })).toBe(audits);
    expect(await t.db.auditLog.count({ where: { action: "job.cancel", recordId: { in: [queued, running] } } })).toBe(2);
  });

  it("a creator who lost the permission since, fails the job with the error the request would give", async () => {
    const { api, v1 } = await freshApi("job-rights");
    const dev = await w.makeUser(w.tenantB.id, "importdev", ["administrator"]);
    const devCaller = await w.callerFor(dev.id);
    const jobId = await startImport(devCaller, { id: api.id, versionId: v1.id, url: `${base}/petstore.yaml` });
    await t.db.userRole.deleteMany({ where: { userId: dev.id } });
    await drain();
    const job = await t.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.status).toBe("failed");
    expect(revisionImportJobResult.parse(job.result).failure).toMatchObject({ appCode: 10002 });
    expect(await t.db.apiRevision.count({ where: { apiVersionId: v1.id } })).toBe(0);
  });

  it("an API client's token cannot start one (a job runs later as a user): 10003 on the URL, nothing queued; its text imports still work", async () => {
    const { api, v1 } = await freshApi("job-client");
    const program = systemScope(t.db, {
      userId: w.managerB.id,
      tenantId: w.tenantB.id,
      isOperator: false,
      roles: [],
      permissions: ["uc.apiresource.all"],
      client: { id: w.managerB.id, clientId: "import-test", ownerId: w.managerB.id, ownerManagesAll: true },
    });
    const jobs = await t.db.job.count({ where: { kind: "api.import" } });
    const f = await failure(() => importRevision(program, { id: api.id, versionId: v1.id, source: { kind: "url", url: `${base}/petstore.yaml` } }));
    expect(f).toMatchObject({ code: 10003, fields: { "source.url": [expect.stringMatching(/cannot import from a URL/)] } });
    expect(await t.db.job.count({ where: { kind: "api.import" } })).toBe(jobs);
    const r = await imported(importRevision(program, { id: api.id, versionId: v1.id, source: { kind: "text", text: SWAGGER2_YAML } }));
    expect(r).toMatchObject({ number: 1, sourceFormat: "swagger-2.0" });
  });
});
