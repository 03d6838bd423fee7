/**
 * Sandboxed code generation: one generator run on one OpenAPI document into one folder.
 *
 * The description is untrusted. It is never executed (generators only read it) and it is
 * sanitised first (./sanitize.ts: names that would make paths renamed, external `$ref`s
 * refused). The generator runs in a child process (./worker.mjs) with a heap limit, a
 * wall-clock time-out that kills its whole process group, an environment without our secrets,
 * and Node's permission model: it reads only its job file, the app's node_modules and its own
 * folder, and writes only there (the TypeScript and openapi-generator-plus generators run in a
 * warm worker kept between jobs, confined to its own stage folder; see `WarmWorker`). Afterwards the folder is walked with lstat: a symbolic link,
 * anything that resolves outside, or more files or bytes than allowed fails the run and the
 * folder is emptied.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { cp, lstat, mkdir, mkdtemp, readdir, realpath, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { findGenerator, NODE_MODULES, SWAGGER_JAR, unavailableReason, type GeneratorDef } from "~/server/codegen/generators";
import { downgradeTo30, sanitizeDocument, UnsafeDocumentError } from "~/server/codegen/sanitize";
import { npmPackageName, sdkBaseUrl, sdkClassName, semverVersion } from "~/lib/validators/codegen";

/** Codes of the code generation error table (src/lib/errors.ts `codegen`). */
export type CodegenErrorCode = 200001 | 200004 | 200005 | 200008 | 200009 | 200010 | 200011 | 200016;

export class CodegenError extends Error {
  constructor(
    readonly code: CodegenErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface GenerateSettings {
  packageName: string;
  className: string;
  version: string;
  baseUrl?: string;
}

/** How long one generator run may take (UC_CODEGEN_TIMEOUT_MS) before its process group is killed. */
export const generationTimeoutMs = () => Number(process.env.UC_CODEGEN_TIMEOUT_MS) || 120_000;

/** Limits, from the environment so operators (and tests) can change them. */
const limits = () => ({
  timeoutMs: generationTimeoutMs(),
  memoryMb: Number(process.env.UC_CODEGEN_MEMORY_MB) || 512,
  maxFiles: 20_000,
  maxBytes: 200 * 1024 * 1024,
  maxLogLines: 5_000,
});

export const WORKER_FILE = path.join(process.cwd(), "src/server/codegen/worker.mjs");

const JAVA_KEYWORDS = new Set(
  "abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements import instanceof int interface long native new package private protected public return short static strictfp super switch synchronized this throw throws transient try void volatile while true false null var record yield".split(
    " ",
  ),
);

/** `@acme/orders-client` → `acme.orders.client` (a Java package), `orders_client` (Python), `ordersclient` (Go). */
export function identifiers(packageName: string) {
  const words = packageName
    .replace(/^@/, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const safe = words.length ? words : ["sdk"];
  const head = /^[a-z]/.test(safe[0]!) ? safe : ["sdk", ...safe];
  // Java package segments: not a keyword, not starting with a digit (`orders.v2` is fine, `2` is not).
  const javaSegment = (w: string) => (/^[0-9]/.test(w) ? `v${w}` : JAVA_KEYWORDS.has(w) ? `${w}_` : w);
  return { javaPackage: head.map(javaSegment).join("."), snake: head.join("_"), flat: head.join(""), artifact: head.join("-") };
}

function generatorOptions(def: GeneratorDef, settings: GenerateSettings): Record<string, string> {
  const ids = identifiers(settings.packageName);
  if (def.engine === "ogp") return def.language === "java" ? { package: ids.javaPackage } : {};
  if (def.engine !== "swagger") return {};
  switch (def.module) {
    case "java":
      return {
        groupId: ids.javaPackage.split(".").slice(0, -1).join(".") || ids.javaPackage,
        artifactId: ids.artifact,
        artifactVersion: settings.version,
        invokerPackage: ids.javaPackage,
        apiPackage: `${ids.javaPackage}.api`,
        modelPackage: `${ids.javaPackage}.model`,
        hideGenerationTimestamp: "true",
      };
    case "python":
      return { packageName: ids.snake, packageVersion: settings.version, projectName: ids.artifact };
    default:
      return { packageName: ids.flat, packageVersion: settings.version };
  }
}

/** Only what a generator needs: no DATABASE_URL, no keys, no tokens. */
function childEnv(outDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: outDir,
    TMPDIR: os.tmpdir(),
    LANG: "C.UTF-8",
    NODE_ENV: "production",
    NO_COLOR: "1",
  };
}

function checkSettings(settings: GenerateSettings) {
  const checks: [string, { safeParse: (v: unknown) => { success: boolean } }, unknown][] = [
    ["packageName", npmPackageName, settings.packageName],
    ["className", sdkClassName, settings.className],
    ["version", semverVersion, settings.version],
    ["baseUrl", sdkBaseUrl, settings.baseUrl ?? ""],
  ];
  for (const [field, schema, value] of checks) {
    if (!schema.safeParse(value).success) throw new CodegenError(200016, `settings.${field} is not valid`);
  }
}

/**
 * Every file under `root`: no symbolic links, nothing resolving outside, within the limits. The
 * walk starts at the root's real path and descends only into entries lstat shows are directories
 * (never a link), so every path it reaches is its own real path: no realpath per entry is needed.
 */
export async function collectFiles(root: string): Promise<{ path: string; size: number }[]> {
  const realRoot = await realpath(root);
  const { maxFiles, maxBytes } = limits();
  const files: { path: string; size: number }[] = [];
  let total = 0;
  const visit = async (dir: string) => {
    for (const name of await readdir(dir)) {
      const full = path.join(dir, name);
      const st = await lstat(full);
      if (st.isSymbolicLink()) throw new CodegenError(200011, `symbolic link in the output: ${path.relative(realRoot, full)}`);
      if (!full.startsWith(realRoot + path.sep)) throw new CodegenError(200011, `output outside its folder: ${path.relative(realRoot, full)}`);
      if (st.isDirectory()) await visit(full);
      else if (st.isFile()) {
        total += st.size;
        files.push({ path: path.relative(realRoot, full).split(path.sep).join("/"), size: st.size });
        if (files.length > maxFiles || total > maxBytes) throw new CodegenError(200011, "the output is too large");
      } else throw new CodegenError(200011, `not a regular file in the output: ${path.relative(realRoot, full)}`);
    }
  };
  await visit(realRoot);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

export async function generateInto(opts: {
  document: unknown /* OpenAPI 3.x JSON */;
  generatorId: string;
  settings: { packageName: string; className: string; version: string; baseUrl?: string };
  outDir: string;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
}): Promise<{ files: { path: string; size: number }[] }> {
  const def = findGenerator(opts.generatorId);
  if (!def) throw new CodegenError(200004, `unknown generator ${opts.generatorId}`);
  const reason = await unavailableReason(def);
  if (reason) throw new CodegenError(200005, `${def.id} is not available here (${reason})`);
  checkSettings(opts.settings);
  if (opts.signal?.aborted) throw new CodegenError(200010, "cancelled");

  let document: Record<string, unknown>;
  try {
    const sanitized = sanitizeDocument(opts.document);
    for (const r of sanitized.renamed.slice(0, 20)) opts.onLog?.(`renamed ${r.kind} ${JSON.stringify(r.from)} to ${JSON.stringify(r.to)}`);
    if (sanitized.renamed.length > 20) opts.onLog?.(`renamed ${sanitized.renamed.length - 20} more names`);
    document = sanitized.document;
  } catch (e) {
    if (e instanceof UnsafeDocumentError) throw new CodegenError(200001, e.message);
    throw e;
  }
  if (opts.settings.baseUrl) document.servers = [{ url: opts.settings.baseUrl }];
  if (def.engine === "swagger") document = downgradeTo30(document as Parameters<typeof downgradeTo30>[0]);

  const outDir = path.resolve(opts.outDir);
  await mkdir(outDir, { recursive: true });
  if ((await readdir(outDir)).length > 0) throw new CodegenError(200011, "the output folder is not empty");
  const realOut = await realpath(outDir);
  const { timeoutMs, memoryMb } = limits();
  const options = generatorOptions(def, opts.settings);
  const job = (input: string, out: string) => ({
    engine: def.engine,
    module: def.module,
    input,
    outDir: out,
    nodeModules: NODE_MODULES,
    jar: path.join(NODE_MODULES, SWAGGER_JAR),
    memoryMb: Math.max(128, Math.floor(memoryMb / 2)),
    settings: { className: opts.settings.className, baseUrl: opts.settings.baseUrl ?? "" },
    options,
  });
  const text = JSON.stringify(document);
  try {
    if (def.engine === "swagger") await runOnce(text, realOut, job, { timeoutMs, memoryMb, signal: opts.signal, onLog: opts.onLog });
    else await runWarm(text, realOut, job, { timeoutMs, memoryMb, signal: opts.signal, onLog: opts.onLog });
    return { files: await collectFiles(realOut) };
  } catch (e) {
    // Nothing half-generated is left behind.
    await emptyFolder(realOut);
    throw e;
  }
}

type JobFor = (input: string, out: string) => Record<string, unknown>;
interface RunLimits {
  timeoutMs: number;
  memoryMb: number;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
}

/** Permission flags: read the worker, node_modules and `readDir`, write `writeDir` only. */
function sandboxArgs(memoryMb: number, readDir: string, writeDir: string, childProcess: boolean): string[] {
  return [
    `--max-old-space-size=${memoryMb}`,
    // A larger young generation: a generation allocates hundreds of MB of short-lived objects, and
    // with V8's default (a few MB, grown slowly) the first run spends ~0.7 s of its ~6 s promoting
    // and scavenging them (measured on the 356-operation GitHub subset: 5.7–6.2 → 5.0–5.6 s).
    "--min-semi-space-size=16",
    "--max-semi-space-size=32",
    "--experimental-permission",
    `--allow-fs-read=${WORKER_FILE}`,
    `--allow-fs-read=${readDir}/`,
    `--allow-fs-read=${NODE_MODULES}/`,
    // Node 20 aborts on the same prefix given twice.
    ...(writeDir === readDir ? [] : [`--allow-fs-read=${writeDir}/`]),
    `--allow-fs-write=${writeDir}/`,
    // hey-api looks for the nearest package.json above its output: those files only.
    ...ancestors(writeDir).map((dir) => `--allow-fs-read=${path.join(dir, "package.json")}`),
    // What libraries probe in passing (is this WSL?); nothing of ours.
    "--allow-fs-read=/proc/sys/fs/binfmt_misc/WSLInterop",
    "--allow-fs-read=/run/WSL",
    ...(childProcess ? ["--allow-child-process"] : []),
    "--no-warnings",
  ];
}

/** Log lines as the tenant may see them: no colours or pictographs, the server's folders named relative to the job. */
function lineCleaner(replace: [string, string][]) {
  return (raw: string) => {
    let line = raw.replace(/\u001b\[[0-9;]*m/g, "").replace(/\p{Extended_Pictographic}\uFE0F?/gu, "");
    for (const [from, to] of replace) line = line.split(from).join(to);
    return line.slice(0, 2000);
  };
}

/** Splits a stream's chunks into lines. */
function lineSplitter(onLine: (line: string) => void) {
  let partial = "";
  return {
    push(chunk: Buffer) {
      const parts = (partial + chunk.toString("utf8")).split("\n");
      partial = parts.pop() ?? "";
      for (const p of parts) onLine(p);
    },
    flush() {
      if (partial) onLine(partial);
      partial = "";
    },
  };
}

/** Kills a detached child's whole process group (whatever it started goes with it). */
function killGroup(child: ChildProcess) {
  try {
    if (child.pid) process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

/**
 * The time limit and the abort signal over one run: `start` begins it and calls `done` when the
 * run ends by itself; on time-out or abort the child's process group is killed.
 */
function supervise(child: ChildProcess, lim: RunLimits, start: (done: (e?: Error) => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (e?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lim.signal?.removeEventListener("abort", onAbort);
      if (e) reject(e);
      else resolve();
    };
    const timer = setTimeout(() => {
      killGroup(child);
      finish(new CodegenError(200009, `generation took longer than ${Math.round(lim.timeoutMs / 1000)} s`));
    }, lim.timeoutMs);
    const onAbort = () => {
      killGroup(child);
      finish(new CodegenError(200010, "cancelled"));
    };
    if (lim.signal?.aborted) return onAbort();
    lim.signal?.addEventListener("abort", onAbort, { once: true });
    start(finish);
  });
}

/** One child process for one job (the Java family: it starts java, so it may start children). */
async function runOnce(text: string, realOut: string, job: JobFor, lim: RunLimits) {
  const inputDir = await mkdtemp(path.join(os.tmpdir(), "uc-codegen-"));
  try {
    const input = path.join(inputDir, "openapi.json");
    await writeFile(input, text, { mode: 0o600 });
    const jobFile = path.join(inputDir, "job.json");
    await writeFile(jobFile, JSON.stringify(job(input, realOut)), { mode: 0o600 });
    const child = spawn(process.execPath, [...sandboxArgs(lim.memoryMb, inputDir, realOut, true), WORKER_FILE, jobFile], {
      cwd: realOut,
      env: childEnv(realOut),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const clean = lineCleaner([
      [realOut, "."],
      [inputDir, "<input>"],
    ]);
    let lines = 0;
    let last = "";
    const onLine = (raw: string) => {
      const line = clean(raw);
      if (!line.trim()) return;
      last = line;
      if (++lines <= limits().maxLogLines) lim.onLog?.(line);
    };
    const out = lineSplitter(onLine);
    const err = lineSplitter(onLine);
    child.stdout!.on("data", (c: Buffer) => out.push(c));
    child.stderr!.on("data", (c: Buffer) => err.push(c));
    await supervise(child, lim, (done) => {
      child.on("error", (e) => done(new CodegenError(200008, e.message)));
      child.on("close", (code, signal) => {
        out.flush();
        err.flush();
        killGroup(child);
        done(code === 0 ? undefined : new CodegenError(200008, last || `generator exited with ${signal ?? code}`));
      });
    }).catch((e: unknown) => {
      killGroup(child);
      throw e;
    });
  } finally {
    await rm(inputDir, { recursive: true, force: true });
  }
}

// --- warm workers ---

/**
 * A worker started ahead of its job, with hey-api already loaded and its code already compiled
 * by earlier jobs: loading it is ~0.8 s of CPU and the first generation in a process ~1.5–2 s
 * more than later ones. Each worker is its own process group under the same permission model,
 * limited to its own stage folder (`in/` its input, `out/` its output; it removes the folder
 * when it exits): it never sees the run folders, whose output is moved there from `out/` once
 * the job has ended. One job at a time; a
 * job that fails, times out or is cancelled takes its worker with it (killed), and a worker is
 * retired after WARM_MAX_JOBS jobs, so a run finds at most what earlier successful runs of the
 * same generator code left in memory — never their files, which are gone from its folders.
 */
const WARM_MAX_JOBS = 25;
const WARM_MAX_IDLE = 2;

class WarmWorker {
  readonly child: ChildProcess;
  jobs = 0;
  exited = false;
  /** Settles once the worker has loaded hey-api and, if asked to, done its warm-up run (or exited). */
  readonly ready: Promise<void>;
  /** Whether its warm-up run worked (null: none asked for, or not done yet). */
  warmed: boolean | null = null;
  private onLine: ((stream: "out" | "err", line: string) => void) | null = null;

  constructor(
    readonly stage: string,
    readonly memoryMb: number,
    warm: boolean,
  ) {
    const args = [WORKER_FILE, "--serve", NODE_MODULES, stage, ...(warm ? ["--warm"] : [])];
    this.child = spawn(process.execPath, [...sandboxArgs(memoryMb, stage, stage, false), ...args], {
      cwd: stage,
      env: childEnv(stage),
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let settle = () => {};
    this.ready = warm ? new Promise<void>((resolve) => (settle = resolve)) : Promise.resolve();
    const out = lineSplitter((l) => {
      if (!l.startsWith("\0UC-WARM ")) return this.onLine?.("out", l);
      this.warmed = l.endsWith(" ok");
      settle();
    });
    const err = lineSplitter((l) => this.onLine?.("err", l));
    this.child.stdout!.on("data", (c: Buffer) => out.push(c));
    this.child.stderr!.on("data", (c: Buffer) => err.push(c));
    this.child.stdin!.on("error", () => undefined);
    this.child.on("error", () => this.kill());
    this.child.on("close", () => {
      settle();
      this.exited = true;
      this.onLine?.("err", "\0UC-EXIT");
      warmPool().idle = warmPool().idle.filter((w) => w !== this);
      void rm(this.stage, { recursive: true, force: true }).then(() => warmPool().stages.delete(this.stage));
    });
    this.idle(true);
  }

  /** An idle worker does not keep the parent process alive. */
  idle(yes: boolean) {
    for (const h of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as ({ ref?: () => void; unref?: () => void } | null)[]) {
      if (yes) h?.unref?.();
      else h?.ref?.();
    }
  }

  kill() {
    killGroup(this.child);
  }

  /** Runs one job; its input and output are `stage/in/openapi.json` and `stage/out/`. */
  async run(text: string, job: JobFor, lim: RunLimits): Promise<void> {
    this.jobs++;
    this.idle(false);
    const inDir = path.join(this.stage, "in");
    const outDir = path.join(this.stage, "out");
    const input = path.join(inDir, "openapi.json");
    await writeFile(input, text, { mode: 0o600 });
    const nonce = randomBytes(8).toString("hex");
    const clean = lineCleaner([
      [outDir, "."],
      [inDir, "<input>"],
      [this.stage, "."],
    ]);
    let lines = 0;
    let last = "";
    let result: "ok" | "failed" | null = null;
    let errDone = false;
    try {
      await supervise(this.child, lim, (done) => {
        this.onLine = (stream, raw) => {
          if (raw === "\0UC-EXIT") return done(new CodegenError(200008, last || "the generator exited"));
          if (raw.startsWith(`\0UC-DONE ${nonce}`)) {
            if (stream === "out") result = raw.endsWith(" ok") ? "ok" : "failed";
            else errDone = true;
            if (result && errDone) done(result === "ok" ? undefined : new CodegenError(200008, last || "the generator failed"));
            return;
          }
          const line = clean(raw);
          if (!line.trim()) return;
          last = line;
          if (++lines <= limits().maxLogLines) lim.onLog?.(line);
        };
        this.child.stdin!.write(`${JSON.stringify({ ...job(input, outDir), nonce })}\n`);
      });
    } catch (e) {
      this.kill();
      throw e;
    } finally {
      this.onLine = null;
      await rm(input, { force: true });
    }
  }
}

const g = globalThis as unknown as { __ucCodegenWarm?: { idle: WarmWorker[]; stages: Set<string> } };
const warmPool = () => {
  if (!g.__ucCodegenWarm) {
    const pool = (g.__ucCodegenWarm = { idle: [] as WarmWorker[], stages: new Set<string>() });
    // A worker may not remove its own folder (it writes only below it) and exits when this process does.
    process.once("exit", () => {
      for (const stage of pool.stages) rmSync(stage, { recursive: true, force: true });
    });
  }
  return g.__ucCodegenWarm;
};

async function startWarmWorker(memoryMb: number, warm = false): Promise<WarmWorker> {
  const stage = await mkdtemp(path.join(os.tmpdir(), "uc-codegen-warm-"));
  await mkdir(path.join(stage, "in"), { mode: 0o700 });
  await mkdir(path.join(stage, "out"), { mode: 0o700 });
  const real = await realpath(stage);
  warmPool().stages.add(real);
  return new WarmWorker(real, memoryMb, warm);
}

/**
 * Starts a warm worker if none is idle (the SDKs tab calls it when it lists the generators): it
 * loads hey-api and runs a made-up description once while the user reads the tab, so a first
 * preview finds V8's optimised code in place (a job that comes sooner waits for that run).
 */
export async function prewarmGenerator(): Promise<void> {
  const { memoryMb } = limits();
  const pool = warmPool();
  if (pool.idle.some((w) => !w.exited && w.memoryMb === memoryMb)) return;
  pool.idle.push(await startWarmWorker(memoryMb, true));
}

/** Settles when every idle worker has finished starting (its warm-up included); idle workers do not keep the process alive, this wait does. */
export async function idleWorkersReady() {
  const alive = setInterval(() => undefined, 1000);
  try {
    await Promise.all(warmPool().idle.map((w) => w.ready));
  } finally {
    clearInterval(alive);
  }
}

/** Stops the idle workers (the bench, to time a first preview again). */
export function stopIdleWorkers() {
  for (const w of warmPool().idle.splice(0)) w.kill();
}

async function runWarm(text: string, realOut: string, job: JobFor, lim: RunLimits) {
  const pool = warmPool();
  let worker: WarmWorker | undefined;
  while ((worker = pool.idle.pop())) {
    if (!worker.exited && worker.memoryMb === lim.memoryMb) break;
    worker.kill();
  }
  worker ??= await startWarmWorker(lim.memoryMb);
  await worker.run(text, job, lim);
  // The output leaves the worker's reach: moved (one rename) into the run folder, which is empty.
  const staged = path.join(worker.stage, "out");
  try {
    await rm(realOut, { recursive: true, force: true });
    await rename(staged, realOut).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== "EXDEV") throw e;
      await cp(staged, realOut, { recursive: true, verbatimSymlinks: true });
      await rm(staged, { recursive: true, force: true });
    });
    await mkdir(staged, { mode: 0o700 });
  } catch (e) {
    worker.kill();
    throw e;
  }
  if (worker.jobs < WARM_MAX_JOBS && pool.idle.length < WARM_MAX_IDLE && !worker.exited) {
    worker.idle(true);
    pool.idle.push(worker);
  } else worker.kill();
}

/** Tests: the process ids of the warm workers waiting for a job. */
export const idleWorkerPidsForTest = () => warmPool().idle.map((w) => w.child.pid);
/** Tests: the idle workers' folders and whether their warm-up worked. */
export const idleWorkersForTest = () => warmPool().idle.map((w) => ({ stage: w.stage, warmed: w.warmed }));

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    out.push(d);
    if (d === path.dirname(d)) return out;
  }
}

export type GenerateOptions = Parameters<typeof generateInto>[0];

async function emptyFolder(dir: string) {
  for (const name of await readdir(dir).catch(() => [] as string[])) await rm(path.join(dir, name), { recursive: true, force: true });
}

/** The output walk on its own (tests plant what a generator must not leave). */
export const collectFilesForTest = collectFiles;
