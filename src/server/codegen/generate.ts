/**
 * PLACEHOLDER — replaced at the merge by part 1's generate.ts (generators, sandboxed generation).
 * It keeps exactly part 1's signature so release.ts does not change: a TypeScript client through
 * `@hey-api/openapi-ts` 0.95.0 (the newest for Node 20), run in a child process (so a large
 * description does not hold up the web process's event loop) with a time limit, writing under
 * `outDir` only.
 */
import { spawn } from "node:child_process";
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";

export interface GenerateSettings {
  packageName: string;
  className: string;
  version: string;
  baseUrl?: string;
}

export interface GenerateOptions {
  document: unknown;
  generatorId: string;
  settings: GenerateSettings;
  outDir: string;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
}

const TIME_LIMIT_MS = 120_000;

/** The script the child runs: argv[2] the description's file, argv[3] the output folder, argv[4] the options. */
const CHILD = `
const [doc, out, opts] = process.argv.slice(1);
const { readFileSync } = await import("node:fs");
const { createClient } = await import(process.env.UC_HEYAPI_ENTRY);
const o = JSON.parse(opts);
await createClient({
  input: JSON.parse(readFileSync(doc, "utf8")),
  output: { path: out, importFileExtension: ".js" },
  plugins: [
    { name: "@hey-api/client-fetch", ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}) },
    "@hey-api/typescript",
    { name: "@hey-api/sdk", operations: { strategy: "single", containerName: o.className, methods: "static" } },
  ],
  logs: { level: "silent" },
});
`;

/** The line of a child's stderr that says what went wrong (an `…Error: …` line), else its last line. */
const firstError = (err: string) => {
  const lines = err.trim().split("\n");
  return (lines.find((l) => /\w*Error\b/.test(l)) ?? lines.at(-1) ?? "").trim().slice(0, 500);
};

async function listFiles(root: string, dir = root): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(root, full)));
    else if (e.isFile()) out.push({ path: path.relative(root, full).split(path.sep).join("/"), size: (await stat(full)).size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export async function generateInto(opts: GenerateOptions): Promise<{ files: { path: string; size: number }[] }> {
  if (opts.generatorId !== "typescript-fetch" && opts.generatorId !== "typescript")
    throw new Error(`Generator ${opts.generatorId} is not available in this build`);
  const outDir = path.resolve(opts.outDir);
  await mkdir(outDir, { recursive: true });
  const docFile = path.join(path.dirname(outDir), `.${path.basename(outDir)}.openapi.json`);
  await writeFile(docFile, JSON.stringify(opts.document));
  const entry = path.join(process.cwd(), "node_modules/@hey-api/openapi-ts/dist/index.mjs");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--max-old-space-size=512",
        "--input-type=module",
        "-e",
        CHILD,
        docFile,
        outDir,
        JSON.stringify({ className: opts.settings.className, baseUrl: opts.settings.baseUrl }),
      ],
      {
        cwd: outDir,
        env: { PATH: process.env.PATH ?? "", UC_HEYAPI_ENTRY: entry } as unknown as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe"],
        signal: opts.signal,
        timeout: TIME_LIMIT_MS,
      },
    );
    let err = "";
    child.stdout.on("data", (d: Buffer) =>
      d
        .toString()
        .split("\n")
        .filter(Boolean)
        .forEach((l) => opts.onLog?.(l)),
    );
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      if (err.length > 8000) err = err.slice(-8000);
    });
    child.on("error", reject);
    child.on("close", (code, sig) => (code === 0 ? resolve() : reject(new Error(`The generator failed (${sig ?? `exit ${code}`}): ${firstError(err)}`))));
  });
  return { files: await listFiles(outDir) };
}
