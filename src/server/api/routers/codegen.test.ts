import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { failure, setupWorld, imported } from "~/test/fixtures";
import { codegenRoot } from "~/server/services/codegen";
import { decryptSecret } from "~/server/crypto";
import { runHousekeeping } from "~/server/jobs/housekeeping";
import { describeError } from "~/lib/errors";

const t = setupWorld();

const PETS = {
  openapi: "3.1.0",
  info: { title: "Pets", version: "1.0.0" },
  paths: {
    "/pets": {
      get: {
        operationId: "listPets",
        tags: ["pets"],
        responses: {
          "200": { description: "ok", content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Pet" } } } } },
        },
      },
    },
  },
  components: { schemas: { Pet: { type: "object", properties: { name: { type: "string" } } } } },
};

/** An API with one version whose first revision (PETS) is online. */
async function onlineApi(admin: Awaited<ReturnType<typeof t.w.callerFor>>, name: string, doc: object = PETS) {
  const api = await admin.apiResource.create({ name, displayName: "Pet store" });
  const v = await admin.apiPublish.createVersion({ id: api.id, name: "v1" });
  const rev = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v.id, source: { kind: "text", text: JSON.stringify(doc) } }));
  await admin.apiPublish.setOnline({ id: rev.id });
  return { api, rev };
}

describe("codegen router", () => {
  it("lists generators by kind with whether each runs here", async () => {
    const en = await t.w.callerFor(t.w.managerB.id, t.w.tenantB, { locale: "en" });
    const clients = await en.codegen.clients();
    expect(clients.find((g) => g.id === "typescript")).toMatchObject({
      kind: "client",
      language: "typescript",
      available: true,
      label: "TypeScript client (fetch)",
    });
    expect(clients.every((g) => g.kind === "client")).toBe(true);
    const servers = await en.codegen.servers();
    expect(servers.map((g) => g.id)).toContain("typescript-express");
    const zh = await t.w.callerFor(t.w.managerB.id);
    expect((await zh.codegen.clients()).find((g) => g.id === "typescript")?.label).toBe("TypeScript 客户端（fetch）");
  });

  it("keeps npm settings per language with the token encrypted and never returned", async () => {
    const admin = await t.w.callerFor(t.w.managerB.id);
    const api = await admin.apiResource.create({ name: "orders-codegen", displayName: "Orders", description: "Orders of the shop" });
    const defaults = await admin.codegen.npmOptions({ id: api.id, language: "typescript" });
    expect(defaults).toMatchObject({ saved: false, hasToken: false, packageName: "orders-codegen-sdk", className: "OrdersCodegenClient", version: "1.0.0" });
    expect(defaults.readme).toContain("# Orders");
    expect(defaults.readme).toContain("npm install orders-codegen-sdk");
    expect(defaults.readme).toContain("new OrdersCodegenClient()");

    const { language: _l, hasToken: _h, saved: _s, updatedAt: _u, ...rest } = defaults;
    const fields = { ...rest, packageName: "@acme/orders", keywords: ["orders", "orders"], token: "npm_secret_token_1" };
    const saved = await admin.codegen.putNpmOptions({ id: api.id, language: "typescript", ...fields });
    expect(saved).toMatchObject({ saved: true, hasToken: true, packageName: "@acme/orders", keywords: ["orders"] });
    expect(JSON.stringify(saved)).not.toContain("npm_secret_token_1");
    const row = await t.db.codegenNpmSettings.findFirstOrThrow({ where: { apiResourceId: api.id, language: "typescript" } });
    expect(row.tokenEnc).not.toContain("npm_secret_token_1");
    expect(decryptSecret(row.tokenEnc!)).toBe("npm_secret_token_1");
    // Empty keeps the token, clearToken removes it; another language has its own settings.
    expect((await admin.codegen.putNpmOptions({ id: api.id, language: "typescript", ...fields, token: "" })).hasToken).toBe(true);
    expect((await t.db.codegenNpmSettings.findFirstOrThrow({ where: { id: row.id } })).tokenEnc).toBe(row.tokenEnc);
    expect((await admin.codegen.putNpmOptions({ id: api.id, language: "typescript", ...fields, token: "", clearToken: true })).hasToken).toBe(false);
    expect((await admin.codegen.npmOptions({ id: api.id, language: "java" })).saved).toBe(false);

    const audits = await t.db.auditLog.findMany({ where: { recordId: api.id, action: "codegen.putnpmoptions" } });
    expect(audits).toHaveLength(3);
    expect(JSON.stringify(audits)).not.toContain("npm_secret_token_1");
    expect(JSON.stringify(audits)).not.toContain(row.tokenEnc!);
  });

  it("refuses bad names, versions and addresses as field errors, and loopback registries unless allowed", async () => {
    const admin = await t.w.callerFor(t.w.managerB.id, t.w.tenantB, { locale: "en" });
    const api = await admin.apiResource.create({ name: "orders-codegen-bad" });
    const { language: _l, hasToken: _h, saved: _s, updatedAt: _u, ...base } = await admin.codegen.npmOptions({ id: api.id, language: "typescript" });
    for (const [field, value] of [
      ["packageName", "../Evil"],
      ["packageName", "Upper/Case"],
      ["className", "1Client"],
      ["version", "1.0"],
      ["registryUrl", "http://registry.example.com/"],
      ["registryUrl", "https://user:pw@registry.example.com/"],
      ["homepage", "javascript:alert(1)"],
    ] as const) {
      const f = await failure(() => admin.codegen.putNpmOptions({ id: api.id, language: "typescript", ...base, [field]: value }));
      expect(f, `${field}=${value}`).toMatchObject({ appCode: 10003, fields: { [field]: [expect.any(String)] } });
    }
    const loop = await failure(() => admin.codegen.putNpmOptions({ id: api.id, language: "typescript", ...base, registryUrl: "http://127.0.0.1:4873/" }));
    expect(loop).toMatchObject({ code: 200015, fields: { registryUrl: ["Addresses on this machine are not allowed here"] } });
    process.env.UC_OUTBOUND_ALLOW_ADDRESSES = "127.0.0.1";
    try {
      expect((await admin.codegen.putNpmOptions({ id: api.id, language: "typescript", ...base, registryUrl: "http://127.0.0.1:4873/" })).registryUrl).toBe(
        "http://127.0.0.1:4873/",
      );
      const git = await admin.codegen.putGitOptions({ id: api.id, remoteUrl: "http://localhost:9418/repo.git", branch: "release/v1", token: "ghp_x" });
      expect(git).toMatchObject({ remoteUrl: "http://localhost:9418/repo.git", branch: "release/v1", hasToken: true, saved: true });
    } finally {
      delete process.env.UC_OUTBOUND_ALLOW_ADDRESSES;
    }
    const branch = await failure(() => admin.codegen.putGitOptions({ id: api.id, branch: "bad..branch" }));
    expect(branch).toMatchObject({ appCode: 10003, fields: { branch: [expect.any(String)] } });
    const git = await admin.codegen.gitOptions({ id: api.id });
    expect(git).toMatchObject({ hasToken: true });
    expect(JSON.stringify(git)).not.toContain("ghp_x");
    const settings = await t.db.codegenSettings.findUniqueOrThrow({ where: { apiResourceId: api.id } });
    expect(decryptSecret(settings.gitTokenEnc!)).toBe("ghp_x");
  });

  it("previews the online revision, lists its files, reads one, and records the history", async () => {
    const admin = await t.w.callerFor(t.w.managerB.id);
    const { api, rev } = await onlineApi(admin, "pets-codegen");
    expect(await admin.codegen.commonOptions({ id: api.id })).toEqual({ revisionId: null, baseUrl: "", saved: false, updatedAt: null });
    await admin.codegen.putCommonOptions({ id: api.id, baseUrl: "https://pets.example.com/v1" });
    const run = await admin.codegen.preview({ id: api.id, generatorId: "typescript" });
    expect(run).toMatchObject({
      kind: "preview",
      status: "succeeded",
      revisionId: rev.id,
      revisionNumber: 1,
      versionName: "v1",
      generatorId: "typescript",
      language: "typescript",
    });
    expect(run.fileCount).toBeGreaterThan(5);
    expect(existsSync(path.join(codegenRoot(), t.w.tenantB.id, run.id, "index.ts"))).toBe(true);

    const tree = await admin.codegen.previewTree({ id: run.id });
    expect(tree.entry).toBe("index.ts");
    expect(tree.files.map((f) => f.path)).toContain("client.gen.ts");
    const client = await admin.codegen.previewFile({ id: run.id, path: "client.gen.ts" });
    expect(client).toMatchObject({ binary: false, truncated: false });
    expect(client.content).toContain("https://pets.example.com/v1");
    expect(await failure(() => admin.codegen.previewFile({ id: run.id, path: "../../secrets.json" }))).toMatchObject({ appCode: 10003 });
    expect(await failure(() => admin.codegen.previewFile({ id: run.id, path: "nope.ts" }))).toMatchObject({ code: 200013, trpc: "NOT_FOUND" });

    const history = await admin.codegen.history({ id: api.id });
    expect(history.total).toBe(1);
    expect(history.items[0]).toMatchObject({ id: run.id, status: "succeeded", actorId: t.w.managerB.id });
    const { log } = await admin.codegen.historyDetail({ id: run.id });
    expect(log).toContain("generating with hey-api");
    // The log names no folder of the server's.
    expect(log).not.toContain(codegenRoot());
    expect(await t.db.auditLog.count({ where: { recordId: run.id, action: "codegen.preview" } })).toBe(1);

    // A chosen revision must be this API's; an unknown generator is 200004.
    const other = await onlineApi(admin, "pets-codegen-other");
    expect(await failure(() => admin.codegen.putCommonOptions({ id: api.id, revisionId: other.rev.id }))).toMatchObject({ code: 200007 });
    expect(await failure(() => admin.codegen.preview({ id: api.id, generatorId: "typescript", revisionId: other.rev.id }))).toMatchObject({ code: 200007 });
    expect(await failure(() => admin.codegen.preview({ id: api.id, generatorId: "cobol" }))).toMatchObject({ code: 200004 });
    const empty = await admin.apiResource.create({ name: "pets-codegen-empty" });
    expect(await failure(() => admin.codegen.preview({ id: empty.id, generatorId: "typescript" }))).toMatchObject({ code: 200006 });
  }, 120_000);

  it("answers 200017 (expired, generate it again) for a preview past its retention, and housekeeping removes its folder", async () => {
    const admin = await t.w.callerFor(t.w.managerB.id);
    const { api } = await onlineApi(admin, "pets-codegen-expiry");
    const run = await admin.codegen.preview({ id: api.id, generatorId: "typescript" });
    const dir = path.join(codegenRoot(), t.w.tenantB.id, run.id);
    expect((await admin.codegen.previewTree({ id: run.id })).files.length).toBeGreaterThan(0);
    expect(run.previewExpired).toBe(false);

    // Past UC_CODEGEN_PREVIEW_TTL_HOURS (24): expired at once, before any sweep has removed the folder.
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    await t.db.codegenHistory.update({ where: { id: run.id }, data: { createdAt: dayAgo, finishedAt: dayAgo } });
    expect(existsSync(dir)).toBe(true);
    expect(await failure(() => admin.codegen.previewTree({ id: run.id }))).toMatchObject({ code: 200017, trpc: "NOT_FOUND" });
    expect(await failure(() => admin.codegen.previewFile({ id: run.id, path: "index.ts" }))).toMatchObject({ code: 200017 });
    expect(describeError(200017, "en").description).toMatch(/expired.*generate it again/);
    expect(describeError(200017, "zh-CN").description).toContain("已过期");
    // The history still shows it, marked expired (the console shows a tag instead of "Open"); another tenant still gets "not found", not "expired".
    expect(await admin.codegen.historyDetail({ id: run.id })).toMatchObject({ id: run.id, previewExpired: true });
    const listed = (await admin.codegen.history({ id: api.id })).items;
    expect(listed.find((r) => r.id === run.id)?.previewExpired).toBe(true);
    const adminA = await t.w.callerFor((await t.w.makeUser(t.w.platform.id, "codegen-expiry-a", ["administrator"])).id, t.w.platform);
    expect(await failure(() => adminA.codegen.previewTree({ id: run.id }))).toMatchObject({ code: 200012 });

    const swept = await runHousekeeping(t.db, { kind: t.kind });
    expect(swept.status === "done" && swept.counts.codegenPreviews).toBeGreaterThanOrEqual(1);
    expect(existsSync(dir)).toBe(false);
    expect(await failure(() => admin.codegen.previewTree({ id: run.id }))).toMatchObject({ code: 200017 });

    // A young preview whose folder is gone (removed by hand, another instance's sweep) says the same, not a 500.
    const fresh = await admin.codegen.preview({ id: api.id, generatorId: "typescript" });
    await rm(path.join(codegenRoot(), t.w.tenantB.id, fresh.id), { recursive: true, force: true });
    expect(await failure(() => admin.codegen.previewTree({ id: fresh.id }))).toMatchObject({ code: 200017 });
  }, 120_000);

  it("records a failed preview with its log and leaves no files", async () => {
    const admin = await t.w.callerFor(t.w.managerB.id);
    const { api } = await onlineApi(admin, "pets-codegen-bad-param", {
      ...PETS,
      paths: {
        "/pets/{id}": { get: { parameters: [{ name: "../id", in: "query", schema: { type: "string" } }], responses: { "200": { description: "ok" } } } },
      },
    });
    expect(await failure(() => admin.codegen.preview({ id: api.id, generatorId: "typescript" }))).toMatchObject({ code: 200001 });
    const [row] = (await admin.codegen.history({ id: api.id })).items;
    expect(row).toMatchObject({ status: "failed" });
    expect(row!.error).toContain("unsafeParameter");
    expect(existsSync(path.join(codegenRoot(), t.w.tenantB.id, row!.id))).toBe(false);
    expect(await failure(() => admin.codegen.previewTree({ id: row!.id }))).toMatchObject({ code: 200012 });
  }, 60_000);

  it("answers 401 without a session, 403 without the permission, 404 for another tenant's API or preview", async () => {
    const admin = await t.w.callerFor(t.w.managerB.id);
    const { api } = await onlineApi(admin, "pets-codegen-acl");
    const run = await admin.codegen.preview({ id: api.id, generatorId: "typescript" });

    const anon = await t.w.callerFor(null);
    expect(await failure(() => anon.codegen.clients())).toMatchObject({ code: 10001 });
    expect(await failure(() => anon.codegen.npmOptions({ id: api.id, language: "typescript" }))).toMatchObject({ code: 10001 });
    const plain = await t.w.callerFor(t.w.plainB.id);
    expect(await failure(() => plain.codegen.clients())).toMatchObject({ code: 10002 });
    expect(await failure(() => plain.codegen.preview({ id: api.id, generatorId: "typescript" }))).toMatchObject({ code: 10002 });
    expect(await failure(() => plain.codegen.history({ id: api.id }))).toMatchObject({ code: 10002 });
    expect(await failure(() => plain.codegen.putGitOptions({ id: api.id }))).toMatchObject({ code: 10002 });

    const adminA = await t.w.callerFor((await t.w.makeUser(t.w.platform.id, "codegen-admin-a", ["administrator"])).id, t.w.platform);
    expect(await failure(() => adminA.codegen.npmOptions({ id: api.id, language: "typescript" }))).toMatchObject({ code: 18001, trpc: "NOT_FOUND" });
    expect(await failure(() => adminA.codegen.putCommonOptions({ id: api.id }))).toMatchObject({ code: 18001 });
    expect(await failure(() => adminA.codegen.preview({ id: api.id, generatorId: "typescript" }))).toMatchObject({ code: 18001 });
    expect(await failure(() => adminA.codegen.previewTree({ id: run.id }))).toMatchObject({ code: 200012, trpc: "NOT_FOUND" });
    expect(await failure(() => adminA.codegen.previewFile({ id: run.id, path: "index.ts" }))).toMatchObject({ code: 200012 });
    expect(await failure(() => adminA.codegen.historyDetail({ id: run.id }))).toMatchObject({ code: 200012 });

    // A developer sees the code generation of the APIs they own only.
    const dev = await t.w.callerFor((await t.w.makeUser(t.w.tenantB.id, "codegen-dev", ["developer"])).id);
    expect(await failure(() => dev.codegen.history({ id: api.id }))).toMatchObject({ code: 18001 });
    expect(await failure(() => dev.codegen.previewTree({ id: run.id }))).toMatchObject({ code: 200012 });
    expect((await dev.codegen.clients()).length).toBeGreaterThan(0);
  }, 120_000);
});
