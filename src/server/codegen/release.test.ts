/**
 * The SDK release pipeline against real parts on loopback: verdaccio as the npm registry (in this
 * process), `git http-backend` behind a bridge as the Git server, tsc, npm and a fresh project
 * installing the published SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { failure, setupWorld, imported } from "~/test/fixtures";
import { startNpmRegistry, type TestRegistry } from "~/test/npm-registry";
import { gitCli, startGitServer, type TestGitServer } from "~/test/git-server";
import { drainAllJobs } from "~/server/jobs/queues";
import { run, childEnv } from "~/server/codegen/release";
import { RELEASE_STEPS } from "~/lib/validators/sdk-release";
import type { NpmSettingsFields } from "~/lib/validators/codegen";

process.env.UC_OUTBOUND_ALLOW_ADDRESSES = "127.0.0.1";
// The tests run the jobs themselves (drainAllJobs), not the background runner a procedure kicks.
process.env.UC_EXPORT_WORKER = "off";

const t = setupWorld();
let registry: TestRegistry;
let gitServer: TestGitServer;
let api: Server;
let apiUrl: string;
const tmp: string[] = [];

const DOC = {
  openapi: "3.0.3",
  info: { title: "Pets", version: "1.0.0" },
  servers: [{ url: "https://pets.example.com" }],
  paths: {
    "/pets/{id}": {
      get: {
        operationId: "getPet",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } } },
      },
    },
  },
  components: { schemas: { Pet: { type: "object", required: ["id", "name"], properties: { id: { type: "string" }, name: { type: "string" } } } } },
};

beforeAll(async () => {
  [registry, gitServer] = await Promise.all([startNpmRegistry(), startGitServer()]);
  // The API itself, on loopback: what the installed SDK calls.
  api = createServer((req, res) => {
    const m = /^\/pets\/([^/]+)$/.exec(req.url ?? "");
    if (m) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: m[1], name: "Rex" }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([registry?.close(), gitServer?.close(), new Promise((r) => (api ? api.close(r) : r(null)))]);
  await Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true })));
});

async function onlineApi(name: string, doc: object = DOC) {
  const admin = await t.w.callerFor(t.w.managerB.id);
  const res = await admin.apiResource.create({ name });
  const v1 = await admin.apiPublish.createVersion({ id: res.id, name: "v1" });
  const r1 = await imported(admin.apiPublish.importRevision({ id: res.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(doc) } }));
  await admin.apiPublish.setOnline({ id: r1.id, notes: "first" });
  return { admin, apiResourceId: res.id, revisionId: r1.id };
}

type Caller = Awaited<ReturnType<typeof onlineApi>>["admin"];

/** Saves the npm settings through the SDKs tab's procedure: what a release reads. */
const saveNpm = (admin: Caller, id: string, packageName: string, extra: Partial<NpmSettingsFields> = {}) =>
  admin.codegen.putNpmOptions({
    id,
    language: "typescript",
    packageName,
    className: "PetsClient",
    version: "1.0.0",
    registryUrl: registry.url,
    token: registry.token,
    description: "Pets SDK",
    license: "MIT",
    author: "Pets team",
    keywords: ["pets"],
    ...extra,
  });
/** Saves the Git settings (remote, branch, user, token) through the SDKs tab's procedure. */
const saveGit = (admin: Caller, id: string, token = gitServer.token, branch = "main") =>
  admin.codegen.putGitOptions({ id, remoteUrl: gitServer.url, branch, userName: gitServer.user, token, syncDocs: true });

describe("sdkRelease.release", () => {
  it("publishes to the registry, pushes a tagged commit, lists the package; a fresh project installs it, type-checks and calls the API", async () => {
    const { admin, apiResourceId, revisionId } = await onlineApi("pets-sdk");
    await saveNpm(admin, apiResourceId, "@acme/pets-sdk");
    await saveGit(admin, apiResourceId);
    const plan = await admin.sdkRelease.plan({ apiResourceId });
    expect(plan).toMatchObject({ version: "1.0.0", bump: "initial", lastVersion: null, published: false });

    const { jobId, version } = await admin.sdkRelease.release({ apiResourceId });
    expect(version).toBe("1.0.0");
    await drainAllJobs(t.db, { progressEveryMs: 200 });
    const job = await admin.job.get({ id: jobId });
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ status: "done", steps: [...RELEASE_STEPS], step: "record", done: RELEASE_STEPS.length, total: RELEASE_STEPS.length });
    for (const s of RELEASE_STEPS) expect(job.log).toContain(`▶ ${s}`);
    expect(job.log).toContain("published @acme/pets-sdk@1.0.0");
    // The token is stored sealed, never as given.
    const row = await t.db.job.findUniqueOrThrow({ where: { id: jobId }, select: { input: true } });
    expect(JSON.stringify(row.input)).not.toContain(registry.token);
    expect(JSON.stringify(row.input)).not.toContain(gitServer.token);
    expect(await registry.versions("@acme/pets-sdk")).toEqual(["1.0.0"]);

    const market = await admin.apiPackage.list({ id: apiResourceId });
    expect(market).toMatchObject([{ name: "@acme/pets-sdk", platform: "npm", language: "TypeScript", tags: ["sdk", "v1.0.0"] }]);

    // The push arrived: a clone has the commit, the tag and the docs.
    const clone = await mkdtemp(path.join(os.tmpdir(), "uc-clone-"));
    tmp.push(clone);
    const authed = new URL(gitServer.url);
    authed.username = gitServer.user;
    authed.password = gitServer.token;
    await gitCli(["clone", authed.href, "repo"], clone);
    const log = await gitCli(["log", "--format=%H %s", "main"], path.join(clone, "repo"));
    expect(log).toContain("Release @acme/pets-sdk 1.0.0");
    expect(log.split(" ")[0]).toBe((job.result as { gitCommit: string }).gitCommit);
    expect((await gitCli(["tag", "--list"], path.join(clone, "repo"))).trim()).toBe("v1.0.0");
    expect(JSON.parse(await readFile(path.join(clone, "repo", "docs", "openapi.json"), "utf8"))).toMatchObject({ info: { title: "Pets" } });
    expect(JSON.parse(await readFile(path.join(clone, "repo", "package.json"), "utf8"))).toMatchObject({
      name: "@acme/pets-sdk",
      version: "1.0.0",
      types: "./dist/main.d.ts",
    });

    // A fresh project installs the SDK from the registry (loopback only), type-checks a call and runs it against the API.
    const app = await mkdtemp(path.join(os.tmpdir(), "uc-consumer-"));
    tmp.push(app);
    const host = new URL(registry.url).host;
    await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", type: "module", private: true }));
    await writeFile(path.join(app, ".npmrc"), `registry=${registry.url}\n//${host}/:_authToken=${registry.token}\n`);
    const env = childEnv({ HOME: app, npm_config_cache: path.join(app, ".npm-cache"), npm_config_userconfig: path.join(app, ".npmrc") });
    await run("npm", ["install", "--no-audit", "--no-fund", "--registry", registry.url, "@acme/pets-sdk@1.0.0"], { cwd: app, env });
    await writeFile(
      path.join(app, "main.ts"),
      [
        `import { client, PetsClient, type Pet } from "@acme/pets-sdk";`,
        `client.setConfig({ baseUrl: process.argv[2] });`,
        `const r = await new PetsClient().getPet({ path: { id: "7" } });`,
        `const pet: Pet | undefined = r.data;`,
        `console.log(pet?.name, pet?.id);`,
        `declare const process: { argv: string[] };`,
      ].join("\n"),
    );
    await writeFile(
      path.join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, lib: ["ES2022", "DOM"], types: [], outDir: "out" },
        files: ["main.ts"],
      }),
    );
    await run(process.execPath, [path.join(process.cwd(), "node_modules/typescript/bin/tsc"), "-p", "."], { cwd: app });
    // A wrong call does not type-check.
    await writeFile(path.join(app, "bad.ts"), `import { PetsClient } from "@acme/pets-sdk";\nnew PetsClient().getPet({ path: { nope: 1 } });\n`);
    await writeFile(path.join(app, "tsconfig.bad.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true }, files: ["bad.ts"] }));
    await expect(run(process.execPath, [path.join(process.cwd(), "node_modules/typescript/bin/tsc"), "-p", "tsconfig.bad.json"], { cwd: app })).rejects.toThrow(
      /nope/,
    );
    const out = await run(process.execPath, ["out/main.js", apiUrl], { cwd: app });
    expect(out.trim()).toBe("Rex 7");

    // The same version again is refused before anything is queued; the plan says the next one.
    const again = await failure(() => admin.sdkRelease.release({ apiResourceId, version: "1.0.0" }));
    expect(again).toMatchObject({ code: 200020, trpc: "CONFLICT" });
    expect(await t.db.job.count({ where: { kind: "sdk.release", input: { path: ["apiResourceId"], equals: apiResourceId } } })).toBe(1);
    expect(await admin.sdkRelease.plan({ apiResourceId })).toMatchObject({
      lastVersion: "1.0.0",
      version: "1.0.1",
      bump: "patch",
    });

    // The SDKs tab's history lists the release: who, revision, generator, version, registry, commit, job.
    const history = await admin.codegen.history({ id: apiResourceId, kind: "release" });
    expect(history.total).toBe(1);
    expect(history.items[0]).toMatchObject({
      kind: "release",
      status: "succeeded",
      actorId: t.w.managerB.id,
      revisionId,
      revisionNumber: 1,
      generatorId: "typescript",
      language: "typescript",
      version: "1.0.0",
      registry: registry.url,
      gitCommit: (job.result as { gitCommit: string }).gitCommit,
      jobId,
      error: null,
    });
    expect(history.items[0]!.durationMs).toBeGreaterThan(0);
    const detail = await admin.codegen.historyDetail({ id: history.items[0]!.id });
    expect(detail.log).toContain("▶ publish");
    expect(detail.log).toContain("published @acme/pets-sdk@1.0.0");
    expect(detail.log).not.toContain(registry.token);
  });

  it("without saved settings a release is refused with a clear error and nothing is queued", async () => {
    const { admin, apiResourceId } = await onlineApi("pets-unset");
    expect(await failure(() => admin.sdkRelease.release({ apiResourceId }))).toMatchObject({ code: 200002, trpc: "NOT_FOUND" });
    expect(await failure(() => admin.sdkRelease.plan({ apiResourceId }))).toMatchObject({ code: 200002 });
    expect(await failure(() => admin.sdkRelease.gitSync({ apiResourceId }))).toMatchObject({ code: 200025 });
    await saveNpm(admin, apiResourceId, "pets-unset-sdk", { token: "" });
    expect(await failure(() => admin.sdkRelease.release({ apiResourceId }))).toMatchObject({ code: 200029 });
    await admin.codegen.putGitOptions({ id: apiResourceId, remoteUrl: gitServer.url, branch: "main", userName: gitServer.user });
    expect(await failure(() => admin.sdkRelease.gitSync({ apiResourceId }))).toMatchObject({ code: 200030 });
    expect(await failure(() => admin.sdkRelease.release({ apiResourceId, generatorId: "swagger-python" }))).toMatchObject({ code: 200031 });
    expect(await failure(() => admin.sdkRelease.release({ apiResourceId, generatorId: "nope" }))).toMatchObject({ code: 200004 });
    expect(await t.db.job.count({ where: { input: { path: ["apiResourceId"], equals: apiResourceId } } })).toBe(0);
    expect((await admin.codegen.history({ id: apiResourceId })).total).toBe(0);
  });

  it("bumps minor for added operations and major for a breaking change since the last release", async () => {
    const { admin, apiResourceId } = await onlineApi("pets-bump");
    const withList = structuredClone(DOC) as typeof DOC & { paths: Record<string, unknown> };
    withList.paths["/pets"] = { get: { operationId: "listPets", responses: { "200": { description: "ok" } } } };
    await saveNpm(admin, apiResourceId, "pets-bump-sdk");
    await admin.sdkRelease.release({ apiResourceId });
    await drainAllJobs(t.db);
    const versions = await admin.apiPublish.versions({ id: apiResourceId });
    const r2 = await imported(
      admin.apiPublish.importRevision({
        id: apiResourceId,
        versionId: versions[0]!.id,
        source: { kind: "text", text: JSON.stringify(withList) },
      }),
    );
    expect(await admin.sdkRelease.plan({ apiResourceId, revisionId: r2.id })).toMatchObject({
      version: "1.1.0",
      bump: "minor",
    });
    const broken = structuredClone(withList);
    delete (broken.paths as Record<string, unknown>)["/pets/{id}"];
    const r3 = await imported(
      admin.apiPublish.importRevision({ id: apiResourceId, versionId: versions[0]!.id, source: { kind: "text", text: JSON.stringify(broken) } }),
    );
    expect(await admin.sdkRelease.plan({ apiResourceId, revisionId: r3.id })).toMatchObject({
      version: "2.0.0",
      bump: "major",
    });
    expect(await failure(() => admin.sdkRelease.release({ apiResourceId, version: "0.9.0" }))).toMatchObject({
      code: 200022,
    });
  });

  it("a wrong Git token fails the release before publishing: nothing published, nothing pushed", async () => {
    const { admin, apiResourceId } = await onlineApi("pets-badgit");
    const before = gitServer.refused;
    await saveNpm(admin, apiResourceId, "pets-badgit-sdk");
    await saveGit(admin, apiResourceId, "wrong-token");
    const { jobId } = await admin.sdkRelease.release({ apiResourceId });
    await drainAllJobs(t.db);
    const job = await admin.job.get({ id: jobId });
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/Git repository refused the token/);
    expect(job.step).toBe("pack");
    expect(job.log).toContain("✖");
    expect(gitServer.refused).toBeGreaterThan(before);
    expect(await registry.versions("pets-badgit-sdk")).toEqual([]);
    expect(await admin.apiPackage.list({ id: apiResourceId })).toEqual([]);
    // The failed job closed its history row.
    const [h] = (await admin.codegen.history({ id: apiResourceId })).items;
    expect(h).toMatchObject({ kind: "release", status: "failed", jobId, version: "1.0.0", gitCommit: null });
    expect(h!.error).toMatch(/Git repository refused the token/);
    expect(h!.finishedAt).not.toBeNull();
  });

  it("a tag the repository already has fails the release before publishing (the first test pushed v1.0.0)", async () => {
    const { admin, apiResourceId } = await onlineApi("pets-tagclash");
    await saveNpm(admin, apiResourceId, "pets-tagclash-sdk");
    await saveGit(admin, apiResourceId);
    const { jobId } = await admin.sdkRelease.release({ apiResourceId });
    await drainAllJobs(t.db);
    const job = await admin.job.get({ id: jobId });
    expect(job).toMatchObject({ status: "failed", step: "pack", error: "The Git repository already has the tag v1.0.0: release another version" });
    expect(await registry.versions("pets-tagclash-sdk")).toEqual([]);
    // Another version goes on top of the branch the remote already has.
    const next = await admin.sdkRelease.release({ apiResourceId, version: "1.0.1" });
    await drainAllJobs(t.db);
    expect(await admin.job.get({ id: next.jobId })).toMatchObject({ status: "done", error: null });
    const subjects = await gitCli(["log", "--format=%s", "main"], gitServer.repoDir);
    expect(subjects.trim().split("\n")).toEqual(["Release pets-tagclash-sdk 1.0.1", "Release @acme/pets-sdk 1.0.0"]);
    expect((await gitCli(["tag", "--list"], gitServer.repoDir)).trim().split("\n")).toEqual(["v1.0.0", "v1.0.1"]);
  });

  it("a Git sync pushes code and docs without npm; a wrong token is refused and pushes nothing", async () => {
    const { admin, apiResourceId } = await onlineApi("pets-sync");
    const refs = async () => (await gitCli(["for-each-ref", "--format=%(refname) %(objectname)"], gitServer.repoDir)).trim();
    // No npm settings saved: the package is named by their defaults (pets-sync-sdk).
    await saveGit(admin, apiResourceId, "nope");
    const bad = await admin.sdkRelease.gitSync({ apiResourceId });
    const before = await refs();
    await drainAllJobs(t.db);
    expect(await admin.job.get({ id: bad.jobId })).toMatchObject({ status: "failed", step: "git" });
    expect(await refs()).toBe(before);

    await saveGit(admin, apiResourceId, gitServer.token, "sdk/sync");
    const ok = await admin.sdkRelease.gitSync({ apiResourceId });
    await drainAllJobs(t.db);
    const job = await admin.job.get({ id: ok.jobId });
    expect(job).toMatchObject({ status: "done", steps: ["generate", "package", "git", "record"] });
    const log = await gitCli(["log", "--format=%s", "sdk/sync"], gitServer.repoDir);
    expect(log).toContain("Sync pets-sync-sdk from revision 1");
    expect(await gitCli(["show", "sdk/sync:docs/openapi.json"], gitServer.repoDir)).toContain('"Pets"');
    expect(await registry.versions("pets-sync-sdk")).toEqual([]);
    const history = await admin.codegen.history({ id: apiResourceId, kind: "gitsync" });
    expect(history.items.map((h) => [h.status, h.jobId])).toEqual([
      ["succeeded", ok.jobId],
      ["failed", bad.jobId],
    ]);
    expect(history.items[0]!.gitCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("a cancelled release stops (cancelled, not failed) and publishes nothing; others may not read or cancel it", async () => {
    const { admin, apiResourceId } = await onlineApi("pets-cancel");
    await saveNpm(admin, apiResourceId, "pets-cancel-sdk");
    const { jobId } = await admin.sdkRelease.release({ apiResourceId });
    // Only one release per API at a time.
    expect(await failure(() => admin.sdkRelease.release({ apiResourceId }))).toMatchObject({ code: 200024 });
    const running = drainAllJobs(t.db, { progressEveryMs: 100 });
    for (let i = 0; i < 400; i++) {
      const j = await admin.job.get({ id: jobId });
      if (j.step === "compile" || j.step === "smoke") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const plain = await t.w.callerFor(t.w.plainB.id);
    expect(await failure(() => plain.job.cancel({ id: jobId }))).toMatchObject({ trpc: "FORBIDDEN" });
    const elsewhere = await t.w.makeUser(t.w.platform.id, "admin-elsewhere", ["administrator"]);
    const other = await t.w.callerFor(elsewhere.id, t.w.platform);
    expect(await failure(() => other.job.get({ id: jobId }))).toMatchObject({ code: 200027 });
    expect((await admin.job.cancel({ id: jobId })).cancelRequested).toBe(true);
    await running;
    const job = await admin.job.get({ id: jobId });
    expect(job.status).toBe("cancelled");
    expect(job.log).toContain("■ cancelled");
    expect(RELEASE_STEPS.indexOf(job.step as never)).toBeLessThan(RELEASE_STEPS.indexOf("publish"));
    expect(await registry.versions("pets-cancel-sdk")).toEqual([]);
    expect(await failure(() => admin.job.cancel({ id: jobId }))).toMatchObject({ code: 200028 });
    const audit = await t.db.auditLog.findMany({ where: { recordId: jobId }, select: { action: true } });
    expect(audit.map((a) => a.action).sort()).toEqual(["codegen.releasesdk", "job.cancel"]);
    expect((await admin.codegen.history({ id: apiResourceId })).items).toMatchObject([
      { kind: "release", status: "cancelled", jobId, error: "Cancelled on request" },
    ]);
  });
});
