/**
 * Sandboxed code generation: one generator run on one OpenAPI document into one folder.
 *
 * The description is untrusted. It is never executed (generators only read it) and it is
 * sanitised first (./sanitize.ts: names that would make paths renamed, external `$ref`s
 * refused). The generator runs in a child process (./worker.mjs) with a heap limit, a
 * wall-clock time-out that kills its whole process group, an environment without our secrets,
 * and Node's permission model: it reads only its job file, the app's node_modules and its own
 * folder, and writes only there. Afterwards the folder is walked with lstat: a symbolic link,
 * anything that resolves outside, or more files or bytes than allowed fails the run and the
 * folder is emptied.
 */
import { spawn } from "node:child_process";
import { lstat, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from "node:fs/promises";
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

/** Every file under `root`: no symbolic links, nothing resolving outside, within the limits. */
export async function collectFiles(root: string): Promise<{ path: string; size: number }[]> {
  const realRoot = await realpath(root);
  const { maxFiles, maxBytes } = limits();
  const files: { path: string; size: number }[] = [];
  let total = 0;
  const visit = async (dir: string) => {
    for (const name of await readdir(dir)) {
      const full = path.join(dir, name);
      const st = await lstat(full);
      if (st.isSymbolicLink()) throw new CodegenError(200011, `symbolic link in the output: ${path.relative(root, full)}`);
      const real = await realpath(full);
      if (real !== path.join(realRoot, path.relative(root, full)) || !real.startsWith(realRoot + path.sep)) {
        throw new CodegenError(200011, `output outside its folder: ${path.relative(root, full)}`);
      }
      if (st.isDirectory()) await visit(full);
      else if (st.isFile()) {
        total += st.size;
        files.push({ path: path.relative(root, full).split(path.sep).join("/"), size: st.size });
        if (files.length > maxFiles || total > maxBytes) throw new CodegenError(200011, "the output is too large");
      } else throw new CodegenError(200011, `not a regular file in the output: ${path.relative(root, full)}`);
    }
  };
  await visit(root);
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
  const inputDir = await mkdtemp(path.join(os.tmpdir(), "uc-codegen-"));
  const { timeoutMs, memoryMb, maxLogLines } = limits();
  try {
    const input = path.join(inputDir, "openapi.json");
    await writeFile(input, JSON.stringify(document), { mode: 0o600 });
    const jobFile = path.join(inputDir, "job.json");
    const job = {
      engine: def.engine,
      module: def.module,
      input,
      outDir: realOut,
      nodeModules: NODE_MODULES,
      jar: path.join(NODE_MODULES, SWAGGER_JAR),
      memoryMb: Math.max(128, Math.floor(memoryMb / 2)),
      settings: { className: opts.settings.className, baseUrl: opts.settings.baseUrl ?? "" },
      options: generatorOptions(def, opts.settings),
    };
    await writeFile(jobFile, JSON.stringify(job), { mode: 0o600 });

    const nodeArgs = [
      `--max-old-space-size=${memoryMb}`,
      "--experimental-permission",
      `--allow-fs-read=${WORKER_FILE}`,
      `--allow-fs-read=${inputDir}/`,
      `--allow-fs-read=${NODE_MODULES}/`,
      `--allow-fs-read=${realOut}/`,
      `--allow-fs-write=${realOut}/`,
      // hey-api looks for the nearest package.json above its output: those files only.
      ...ancestors(realOut).map((dir) => `--allow-fs-read=${path.join(dir, "package.json")}`),
      // What libraries probe in passing (is this WSL?); nothing of ours.
      "--allow-fs-read=/proc/sys/fs/binfmt_misc/WSLInterop",
      "--allow-fs-read=/run/WSL",
      ...(def.engine === "swagger" ? ["--allow-child-process"] : []),
      "--no-warnings",
      WORKER_FILE,
      jobFile,
    ];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, nodeArgs, { cwd: realOut, env: childEnv(realOut), stdio: ["ignore", "pipe", "pipe"], detached: true });
      let lines = 0;
      let last = "";
      let ended: "timeout" | "aborted" | null = null;
      const killGroup = () => {
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      };
      const timer = setTimeout(() => {
        ended = "timeout";
        killGroup();
      }, timeoutMs);
      const onAbort = () => {
        ended = "aborted";
        killGroup();
      };
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      let partial = "";
      const relay = (chunk: Buffer) => {
        const text = partial + chunk.toString("utf8");
        const parts = text.split("\n");
        partial = parts.pop() ?? "";
        for (const raw of parts) {
          // No colours or pictographs, and the server's folders named relative to the output (the log is shown to the tenant).
          const line = raw
            .replace(/\u001b\[[0-9;]*m/g, "")
            .replace(/\p{Extended_Pictographic}\uFE0F?/gu, "")
            .split(realOut)
            .join(".")
            .split(inputDir)
            .join("<input>")
            .slice(0, 2000);
          if (!line.trim()) continue;
          last = line;
          if (++lines <= maxLogLines) opts.onLog?.(line);
        }
      };
      child.stdout.on("data", relay);
      child.stderr.on("data", relay);
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(new CodegenError(200008, e.message));
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onAbort);
        if (partial.trim()) opts.onLog?.(partial.slice(0, 2000));
        // Whatever the worker started (java) goes with it.
        killGroup();
        if (ended === "timeout") reject(new CodegenError(200009, `generation took longer than ${Math.round(timeoutMs / 1000)} s`));
        else if (ended === "aborted") reject(new CodegenError(200010, "cancelled"));
        else if (code !== 0) reject(new CodegenError(200008, last || `generator exited with ${signal ?? code}`));
        else resolve();
      });
    });
    return { files: await collectFiles(realOut) };
  } catch (e) {
    // Nothing half-generated is left behind.
    await emptyFolder(realOut);
    throw e;
  } finally {
    await rm(inputDir, { recursive: true, force: true });
  }
}

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
