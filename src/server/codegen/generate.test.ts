import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodegenError,
  generateInto,
  identifiers,
  idleWorkerPidsForTest,
  idleWorkersForTest,
  idleWorkersReady,
  prewarmGenerator,
} from "~/server/codegen/generate";
import { javaVersion, listGenerators, resetJavaProbe } from "~/server/codegen/generators";
import { downgradeTo30, sanitizeDocument, UnsafeDocumentError } from "~/server/codegen/sanitize";

const run = promisify(execFile);

export const PETS = {
  openapi: "3.1.0",
  info: { title: "Pets", version: "1.0.0" },
  servers: [{ url: "https://api.example.com" }],
  paths: {
    "/pets": {
      get: {
        operationId: "listPets",
        tags: ["pets"],
        parameters: [{ name: "limit", in: "query", schema: { type: "integer" } }],
        responses: {
          "200": { description: "ok", content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Pet" } } } } },
        },
      },
      post: {
        operationId: "createPet",
        tags: ["pets"],
        requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } },
        responses: { "201": { description: "created", content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } } },
      },
    },
    "/pets/{id}": {
      get: {
        operationId: "getPet",
        tags: ["pets"],
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } } },
      },
    },
  },
  components: {
    schemas: {
      Pet: { type: "object", required: ["id", "name"], properties: { id: { type: "string" }, name: { type: "string" }, tag: { type: ["string", "null"] } } },
    },
  },
};

/** Names that try to leave the output folder in every way a generator could turn them into paths. */
export const HOSTILE = {
  openapi: "3.1.0",
  info: { title: "../../etc/x", version: "1.0.0" },
  tags: [{ name: "../../../../tmp/uc-escape-tag" }, { name: "/etc/uc-abs-tag" }],
  paths: {
    "/../../tmp/uc-escape-path/{id}": {
      get: {
        operationId: "../../../tmp/uc-escape-op",
        tags: ["../../../../tmp/uc-escape-tag", "/etc/uc-abs-tag", "nul\u0000tag"],
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/..~1..~1..~1tmp~1uc-escape-model" } } } },
        },
      },
    },
    "/C:/windows": { get: { operationId: "C:\\windows\\x", responses: { "204": { description: "none" } } } },
  },
  components: {
    schemas: {
      "../../../tmp/uc-escape-model": {
        type: "object",
        "x-java-package": "../../../tmp",
        properties: { "../../inline": { type: "object", properties: { a: { type: "string" } } } },
      },
      "/abs/model": { type: "string" },
    },
  },
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "uc-codegen-test-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const settings = { packageName: "@acme/pets-client", className: "PetsClient", version: "1.2.3", baseUrl: "https://pets.example.com/v1" };

async function collect(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await collect(path.join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(`${prefix}${e.name}`);
  }
  return out;
}

describe("the generators registry", () => {
  it("lists each generator with its language, kind and whether it runs here", async () => {
    const all = await listGenerators();
    const ids = all.map((g) => g.id);
    expect(ids).toEqual(expect.arrayContaining(["typescript", "java-jaxrs", "typescript-express", "swagger-python"]));
    expect(all.find((g) => g.id === "typescript")).toMatchObject({ language: "typescript", kind: "client", available: true, unavailable: null });
    expect(all.filter((g) => g.kind === "server").length).toBeGreaterThan(0);
    const java = await javaVersion();
    for (const g of all.filter((x) => x.engine === "swagger")) expect(g.available).toBe(java !== null);
  });

  it("offers the Java family only with a Java runtime: without one they are listed greyed and refused", async () => {
    resetJavaProbe(null);
    try {
      const swagger = (await listGenerators()).filter((g) => g.engine === "swagger");
      expect(swagger.length).toBeGreaterThan(0);
      for (const g of swagger) expect(g).toMatchObject({ available: false, unavailable: "noJava" });
      const e = await generateInto({ document: PETS, generatorId: "swagger-python", settings, outDir: path.join(root, "nojava") }).catch(
        (x: CodegenError) => x.code,
      );
      expect(e).toBe(200005);
    } finally {
      resetJavaProbe();
    }
  });

  it("derives identifiers for other languages from the package name", () => {
    expect(identifiers("@acme/orders-client")).toMatchObject({ javaPackage: "acme.orders.client", snake: "acme_orders_client", flat: "acmeordersclient" });
    expect(identifiers("1st")).toMatchObject({ javaPackage: "sdk.v1st" });
    expect(identifiers("new-orders-2-sdk")).toMatchObject({ javaPackage: "new_.orders.v2.sdk", snake: "new_orders_2_sdk" });
  });
});

/** Worker processes this test process started (warm or one-shot), by pid. */
const workerPids = async () => {
  const { stdout } = await run("ps", ["-eo", "pid=,ppid=,args="]);
  return stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([, ppid, ...args]) => Number(ppid) === process.pid && args.join(" ").includes("worker.mjs"))
    .map(([pid]) => Number(pid));
};
const LARGE = JSON.parse(await readFile(path.join(process.cwd(), "e2e/fixtures/github-rest-subset.json"), "utf8")) as object;

describe("generateInto", () => {
  it("writes a TypeScript SDK that tsc accepts, with the class name and base URL from the settings", async () => {
    const out = path.join(root, "ts");
    const lines: string[] = [];
    const { files } = await generateInto({ document: PETS, generatorId: "typescript", settings, outDir: out, onLog: (l) => lines.push(l) });
    const names = files.map((f) => f.path);
    expect(names).toEqual(expect.arrayContaining(["index.ts", "sdk.gen.ts", "types.gen.ts", "client.gen.ts"]));
    expect(files.every((f) => f.size > 0)).toBe(true);
    expect(await readFile(path.join(out, "sdk.gen.ts"), "utf8")).toContain("export class PetsClient");
    expect(await readFile(path.join(out, "client.gen.ts"), "utf8")).toContain("https://pets.example.com/v1");
    expect(lines.join("\n")).toContain("generating with hey-api");
    await writeFile(
      path.join(out, "use.ts"),
      'import { PetsClient, type Pet } from "./index.js";\nconst c = new PetsClient();\nexport const call: Promise<unknown> = c.getPet({ path: { id: "1" } });\nexport const p: Pet = { id: "1", name: "a", tag: null };\n',
    );
    const tsc = path.join(process.cwd(), "node_modules/typescript/bin/tsc");
    await run(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "--target",
        "es2022",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--lib",
        "es2022,dom",
        path.join(out, "use.ts"),
      ],
      { cwd: out },
    );
  }, 120_000);

  it("generates a Java client and a TypeScript server stub through openapi-generator-plus", async () => {
    const java = await generateInto({ document: PETS, generatorId: "java-jaxrs", settings, outDir: path.join(root, "java") });
    expect(java.files.map((f) => f.path)).toEqual(expect.arrayContaining(["acme/pets/client/PetsApi.java", "acme/pets/client/model/Pet.java"]));
    const server = await generateInto({ document: PETS, generatorId: "typescript-express", settings, outDir: path.join(root, "express") });
    expect(server.files.map((f) => f.path)).toEqual(expect.arrayContaining(["index.ts", "api/pets/index.ts"]));
  }, 120_000);

  it("reports a generator's error of many lines as one readable line", async () => {
    // openapi-generator-plus refuses a non-object schema in anyOf, naming it as indented JSON
    // (as it did on the GitHub REST description): the error must not be its last line, "}".
    const doc = {
      openapi: "3.0.3",
      info: { title: "x", version: "1" },
      paths: {
        "/a": {
          get: {
            operationId: "getA",
            responses: { "200": { description: "ok", content: { "application/json": { schema: { anyOf: [{ $ref: "#/components/schemas/S" }] } } } } },
          },
        },
      },
      components: {
        schemas: {
          S: {
            type: "object",
            oneOf: [
              { type: "object", properties: { a: { type: "string" } } },
              { type: "object", properties: { b: { type: "string" } } },
            ],
          },
        },
      },
    };
    const e = await generateInto({ document: doc, generatorId: "java-jaxrs", settings, outDir: path.join(root, "multiline") }).catch((x: CodegenError) => x);
    expect(e).toBeInstanceOf(CodegenError);
    expect((e as CodegenError).code).toBe(200008);
    expect((e as CodegenError).message).toMatch(/^error: Non-object schema not yet supported in anyOf: \{ "\$ref": "#\/components\/schemas\/S" \}$/);
  }, 60_000);

  it.runIf(existsSync("/usr/bin/java"))(
    "generates a Python client through swagger-codegen on the local Java",
    async () => {
      const { files } = await generateInto({ document: PETS, generatorId: "swagger-python", settings, outDir: path.join(root, "python") });
      expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(["setup.py", "acme_pets_client/api/pets_api.py"]));
      expect(await readFile(path.join(root, "python", "setup.py"), "utf8")).toContain('VERSION = "1.2.3"');
    },
    120_000,
  );

  it("keeps a hostile description's files inside the job folder, for every generator that runs here", async () => {
    const jobs = path.join(root, "hostile");
    const before = new Set(await readdir(os.tmpdir()));
    for (const g of (await listGenerators()).filter((x) => x.available)) {
      const out = path.join(jobs, g.id);
      const { files } = await generateInto({ document: HOSTILE, generatorId: g.id, settings, outDir: out });
      expect(files.length, g.id).toBeGreaterThan(0);
      for (const f of files) {
        expect(f.path, g.id).not.toMatch(/(^|\/)\.\.(\/|$)|^\//);
        expect(path.resolve(out, f.path).startsWith(out + path.sep)).toBe(true);
      }
    }
    // Nothing appeared beside the job folders, in /tmp, or in /etc.
    expect(await readdir(root)).toEqual(expect.arrayContaining(["hostile"]));
    const after = (await readdir(os.tmpdir())).filter((n) => !before.has(n) && n.startsWith("uc-escape"));
    expect(after).toEqual([]);
    expect(existsSync("/etc/uc-abs-tag")).toBe(false);
    expect(existsSync("/tmp/uc-escape-model")).toBe(false);
  }, 300_000);

  it("refuses external references and renames names that would make paths", () => {
    expect(() => sanitizeDocument({ ...PETS, components: { schemas: { A: { $ref: "/etc/passwd" } } } })).toThrow(UnsafeDocumentError);
    expect(() => sanitizeDocument({ ...PETS, components: { schemas: { A: { $ref: "https://evil.example/x.json" } } } })).toThrow(UnsafeDocumentError);
    expect(() => sanitizeDocument({ swagger: "2.0" })).toThrow(UnsafeDocumentError);
    const { document, renamed } = sanitizeDocument(HOSTILE);
    const schemas = Object.keys((document.components as { schemas: object }).schemas);
    expect(schemas).toEqual(["tmp_uc-escape-model", "abs_model"]);
    expect(JSON.stringify(document)).toContain('"$ref":"#/components/schemas/tmp_uc-escape-model"');
    expect(JSON.stringify(document)).not.toContain("x-java-package");
    expect(JSON.stringify(document)).not.toContain("\u0000");
    expect(Object.keys(document.paths as object)).toEqual(["/unnamed/unnamed/tmp/uc-escape-path/{id}", "/C:/windows"]);
    expect(renamed.map((r) => r.kind)).toEqual(expect.arrayContaining(["schemas", "paths", "tags", "operationIds", "properties"]));
    const op = (document.paths as Record<string, { get: { operationId: string; tags: string[] } }>)["/unnamed/unnamed/tmp/uc-escape-path/{id}"]!.get;
    expect(op.operationId).toBe("tmp_uc-escape-op");
    expect(op.tags).toEqual(["tmp_uc-escape-tag", "etc_uc-abs-tag", "nultag"]);
    // A parameter must match its path template, so it is refused rather than renamed.
    const badParam = structuredClone(PETS);
    badParam.paths["/pets/{id}"].get.parameters[0]!.name = "../id";
    expect(() => sanitizeDocument(badParam)).toThrow(/unsafeParameter/);
  });

  it("turns 3.1 schemas into 3.0 for swagger-codegen", () => {
    const d = downgradeTo30(sanitizeDocument(PETS).document);
    expect(d.openapi).toBe("3.0.3");
    expect(JSON.stringify(d)).toContain('"tag":{"type":"string","nullable":true}');
  });

  it("kills a generator that runs past the time limit and leaves nothing behind", async () => {
    const out = path.join(root, "slow");
    process.env.UC_CODEGEN_TIMEOUT_MS = "150";
    try {
      const started = Date.now();
      // Large enough that even a warm worker takes longer than the limit.
      const e = await generateInto({ document: LARGE, generatorId: "typescript", settings, outDir: out }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CodegenError);
      expect((e as CodegenError).code).toBe(200009);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await readdir(out)).toEqual([]);
      // The worker that ran it is gone: the only workers left are idle ones waiting for their next job.
      await new Promise((r) => setTimeout(r, 200));
      expect((await workerPids()).filter((pid) => !idleWorkerPidsForTest().includes(pid))).toEqual([]);
    } finally {
      delete process.env.UC_CODEGEN_TIMEOUT_MS;
    }
  }, 60_000);

  it("reuses a warm worker for the next run without anything of the previous run, and drops a worker whose run failed", async () => {
    await prewarmGenerator();
    const [warm] = idleWorkerPidsForTest();
    expect(warm).toBeGreaterThan(0);
    // The prewarmed worker ran its made-up description, and nothing of that run is left in its folder.
    await idleWorkersReady();
    const [idle] = idleWorkersForTest();
    expect(idle?.warmed).toBe(true);
    expect((await readdir(idle!.stage)).sort()).toEqual(["in", "out"]);
    expect(await readdir(path.join(idle!.stage, "out"))).toEqual([]);
    const first = path.join(root, "warm-1");
    await generateInto({ document: PETS, generatorId: "typescript", settings, outDir: first });
    expect(idleWorkerPidsForTest()).toContain(warm);
    const ORDERS = {
      openapi: "3.0.3",
      info: { title: "Orders", version: "1.0.0" },
      paths: { "/orders": { get: { operationId: "listOrders", responses: { "200": { description: "ok" } } } } },
    };
    const second = path.join(root, "warm-2");
    const { files } = await generateInto({ document: ORDERS, generatorId: "typescript", settings, outDir: second });
    expect(idleWorkerPidsForTest()).toContain(warm);
    // The second run's folder holds its own files only, and the first run's folder is untouched by it.
    expect(files.map((f) => f.path)).toEqual((await collect(second)).sort());
    expect(await readFile(path.join(second, "sdk.gen.ts"), "utf8")).not.toMatch(/listPets|getPet/);
    expect(await readFile(path.join(first, "sdk.gen.ts"), "utf8")).toContain("listPets");
    // A run that fails (the generator refuses the document) takes its worker with it.
    const broken = {
      openapi: "3.0.3",
      info: { title: "x", version: "1" },
      paths: { "/a": { get: { responses: { "200": { $ref: "#/components/responses/Nope" } } } } },
    };
    expect(
      await generateInto({ document: broken, generatorId: "typescript", settings, outDir: path.join(root, "warm-3") }).catch((x: CodegenError) => x.code),
    ).toBe(200008);
    expect(idleWorkerPidsForTest()).not.toContain(warm);
    await new Promise((r) => setTimeout(r, 200));
    const live = await workerPids();
    expect(live.filter((pid) => !idleWorkerPidsForTest().includes(pid))).toEqual([]);
  }, 120_000);

  it("stops on abort, and refuses unknown generators, bad settings and a folder that is not empty", async () => {
    const ac = new AbortController();
    const p = generateInto({ document: PETS, generatorId: "typescript", settings, outDir: path.join(root, "aborted"), signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(await p.catch((x: CodegenError) => x.code)).toBe(200010);
    expect(await generateInto({ document: PETS, generatorId: "cobol", settings, outDir: path.join(root, "x") }).catch((x: CodegenError) => x.code)).toBe(
      200004,
    );
    const bad = { ...settings, packageName: "../Evil" };
    expect(
      await generateInto({ document: PETS, generatorId: "typescript", settings: bad, outDir: path.join(root, "x") }).catch((x: CodegenError) => x.code),
    ).toBe(200016);
    const full = path.join(root, "full");
    await generateInto({ document: PETS, generatorId: "typescript", settings, outDir: full });
    expect(await generateInto({ document: PETS, generatorId: "typescript", settings, outDir: full }).catch((x: CodegenError) => x.code)).toBe(200011);
  }, 120_000);

  it("refuses an output with a symbolic link", async () => {
    // The walk is what refuses it; a link planted in a finished folder shows it.
    const { collectFilesForTest } = await import("~/server/codegen/generate");
    const dir = path.join(root, "linked");
    await generateInto({ document: PETS, generatorId: "typescript", settings, outDir: dir });
    await symlink("/etc/passwd", path.join(dir, "passwd"));
    expect(await collectFilesForTest(dir).catch((x: CodegenError) => x.code)).toBe(200011);
  }, 60_000);
});
