// The code generation child process (started by generate.ts, never imported by the app).
// It runs under Node's permission model: it may read only its own job file, the app's
// node_modules and its output folder, write only into the output folder (its working
// directory), and start a child only for the Java family. Its environment holds no secrets.
// Argument: the job file (JSON) that generate.ts wrote. Log lines go to stdout.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const require = createRequire(path.join(job.nodeModules, "noop.js"));
const say = (line) => process.stdout.write(`${String(line).replace(/\s+$/, "")}\n`);

async function heyApi() {
  const { createClient } = await import(path.join(job.nodeModules, "@hey-api/openapi-ts/dist/index.mjs"));
  const document = JSON.parse(readFileSync(job.input, "utf8"));
  await createClient({
    input: document,
    output: { path: job.outDir, clean: false, tsConfigPath: null, importFileExtension: ".js" },
    plugins: [
      { name: "@hey-api/client-fetch", ...(job.settings.baseUrl ? { baseUrl: job.settings.baseUrl } : {}) },
      "@hey-api/typescript",
      { name: "@hey-api/sdk", operations: { strategy: "single", containerName: job.settings.className, methods: "instance" } },
    ],
    logs: { level: "info" },
  });
}

async function openapiGeneratorPlus() {
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

function swaggerCodegen() {
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
try {
  say(`generating with ${job.engine} (${job.module})`);
  await engines[job.engine]();
  say("generated");
  process.exitCode = 0;
} catch (e) {
  say(`error: ${e instanceof Error ? e.message : String(e)}${e?.resource ? ` (${e.permission}: ${e.resource})` : ""}`);
  if (process.env.UC_CODEGEN_DEBUG) say(e?.stack);
  process.exitCode = 1;
}
