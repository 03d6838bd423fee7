// The code generation child process (started by generate.ts, never imported by the app).
// It runs under Node's permission model: it may read only its own job file, the app's
// node_modules and its output folder, write only into the output folder, and start a child
// only for the Java family. Its environment holds no secrets. Log lines go to stdout.
//
// Two ways to run:
//   worker.mjs <job file>              one job (the JSON generate.ts wrote), then exit.
//   worker.mjs --serve <node_modules> <stage>  a warm worker: hey-api is loaded once, then one
//     job per line of stdin, one at a time, each reading <stage>/in and writing <stage>/out (its
//     permissions name <stage> only; it removes <stage> when it exits); after each, a line `\0UC-DONE <nonce> ok|failed` on stdout
//     and `\0UC-DONE <nonce>` on stderr tell generate.ts that the job's log is complete. It exits
//     when stdin closes (its parent is gone) or after IDLE_MS without a job.
//   worker.mjs --serve <node_modules> <stage> --warm  the same, after one generation of a made-up
//     description into <stage>/warm (removed again), so that V8 has compiled and optimised
//     hey-api's hot code before the first real job; then a line `\0UC-WARM ok|failed` on stdout.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";

const IDLE_MS = 10 * 60_000;
const say = (line) => process.stdout.write(`${String(line).replace(/\s+$/, "")}\n`);
const serving = process.argv[2] === "--serve";
const nodeModules = serving ? process.argv[3] : JSON.parse(readFileSync(process.argv[2], "utf8")).nodeModules;
const require = createRequire(path.join(nodeModules, "noop.js"));
let heyApiModule;
const loadHeyApi = () => (heyApiModule ??= import(path.join(nodeModules, "@hey-api/openapi-ts/dist/index.mjs")));

async function generateHeyApi(document, outDir, settings, level = "info") {
  const { createClient } = await loadHeyApi();
  await createClient({
    input: document,
    output: { path: outDir, clean: false, tsConfigPath: null, importFileExtension: ".js" },
    plugins: [
      { name: "@hey-api/client-fetch", ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}) },
      "@hey-api/typescript",
      { name: "@hey-api/sdk", operations: { strategy: "single", containerName: settings.className, methods: "instance" } },
    ],
    logs: { level },
  });
}

const heyApi = (job) => generateHeyApi(JSON.parse(readFileSync(job.input, "utf8")), job.outDir, job.settings);

/**
 * A description with the shapes real ones have (objects referring to each other, enums, arrays,
 * path and query parameters, bodies, tags), 120 operations: about a second of work. A first real
 * job of 356 operations then takes ~1 s less than on a worker that only loaded hey-api.
 */
function warmUpDocument(n = 60) {
  const paths = {};
  const schemas = {};
  for (let i = 0; i < n; i++) {
    const ref = { $ref: `#/components/schemas/M${i}` };
    schemas[`M${i}`] = {
      type: "object",
      required: ["id"],
      properties: {
        id: { type: "integer", format: "int64" },
        name: { type: "string", description: "name" },
        tags: { type: "array", items: { type: "string" } },
        next: { $ref: `#/components/schemas/M${(i + 1) % n}` },
        kind: { type: "string", enum: ["a", "b", "c"] },
        at: { type: "string", format: "date-time", nullable: true },
      },
    };
    paths[`/r${i}/{id}`] = {
      get: {
        operationId: `get${i}`,
        tags: [`t${i % 5}`],
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "integer" } },
          { name: "q", in: "query", schema: { type: "string" } },
        ],
        responses: { 200: { description: "ok", content: { "application/json": { schema: ref } } }, 404: { description: "none" } },
      },
      post: {
        operationId: `post${i}`,
        tags: [`t${i % 5}`],
        requestBody: { required: true, content: { "application/json": { schema: ref } } },
        responses: { 201: { description: "made", content: { "application/json": { schema: { type: "array", items: ref } } } } },
      },
    };
  }
  return { openapi: "3.0.3", info: { title: "Warm-up", version: "1.0.0" }, paths, components: { schemas } };
}

/** The warm-up run: whether it worked (a failure only means a colder first job). */
async function warmUp(stage) {
  const dir = path.join(stage, "warm");
  try {
    mkdirSync(dir, { mode: 0o700 });
    await generateHeyApi(warmUpDocument(), dir, { className: "WarmUp" }, "silent");
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function openapiGeneratorPlus(job) {
  const core = require("@openapi-generator-plus/core");
  const mod = require(job.module);
  const ctor = mod.default ?? mod;
  const config = { inputPath: job.input, outputPath: job.outDir, generator: job.module, ...job.options };
  const log = (level, message) => say(`[${level}] ${message}`);
  const generator = core.constructGenerator(config, core.createGeneratorContext({ log }), ctor);
  const state = core.createCodegenState(config, generator);
  state.log = log;
  const input = await core.createCodegenInput(job.input);
  const doc = core.createCodegenDocument(input, state);
  await generator.exportTemplates(job.outDir, doc);
}

function swaggerCodegen(job) {
  const props = Object.entries(job.options)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const args = [
    `-Xmx${job.memoryMb}m`,
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:-UsePerfData",
    "-Djava.awt.headless=true",
    "-jar",
    job.jar,
    "generate",
    "-i",
    job.input,
    "-l",
    job.module,
    "-o",
    job.outDir,
    ...(props ? ["--additional-properties", props] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("java", args, { cwd: job.outDir, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    const relay = (chunk) => chunk.toString("utf8").split("\n").filter(Boolean).forEach(say);
    child.stdout.on("data", relay);
    child.stderr.on("data", relay);
    child.on("error", reject);
    child.on("close", (code, signal) => (code === 0 ? resolve() : reject(new Error(`swagger-codegen exited with ${signal ?? code}`))));
  });
}

const engines = { "hey-api": heyApi, ogp: openapiGeneratorPlus, swagger: swaggerCodegen };

/** Runs one job; answers whether it succeeded (its error is the last log line). */
async function runJob(job) {
  try {
    say(`generating with ${job.engine} (${job.module})`);
    await engines[job.engine](job);
    say("generated");
    return true;
  } catch (e) {
    // One line: generate.ts reports the last line as the error, and a generator's message may
    // span many (an indented schema), whose last is a lone "}".
    const text = `${e instanceof Error ? e.message : String(e)}${e?.resource ? ` (${e.permission}: ${e.resource})` : ""}`;
    say(`error: ${text.replace(/\s+/g, " ").trim()}`);
    if (process.env.UC_CODEGEN_DEBUG) say(e?.stack);
    return false;
  }
}

if (serving) {
  // Its parent may be killed without a chance to tidy up; the stage goes with the worker.
  process.once("exit", () => rmSync(process.argv[4], { recursive: true, force: true }));
  await loadHeyApi();
  if (process.argv[5] === "--warm") {
    const warmed = await warmUp(process.argv[4]);
    process.stdout.write(`\n\0UC-WARM ${warmed ? "ok" : "failed"}\n`);
  }
  let idle = setTimeout(() => process.exit(0), IDLE_MS);
  const lines = createInterface({ input: process.stdin });
  lines.on("close", () => process.exit(0));
  for await (const line of lines) {
    if (!line.trim()) continue;
    clearTimeout(idle);
    const job = JSON.parse(line);
    const ok = await runJob(job);
    process.stdout.write(`\n\0UC-DONE ${job.nonce} ${ok ? "ok" : "failed"}\n`);
    process.stderr.write(`\n\0UC-DONE ${job.nonce}\n`);
    idle = setTimeout(() => process.exit(0), IDLE_MS);
  }
} else {
  process.exitCode = (await runJob(JSON.parse(readFileSync(process.argv[2], "utf8")))) ? 0 : 1;
}
