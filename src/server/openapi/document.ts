/**
 * Reading an API description a tenant imports (uploaded text or what fetch.ts brought back):
 * OpenAPI 3.0 / 3.1 or Swagger 2.0, JSON or YAML. `@scalar/openapi-parser` validates it against
 * the specification's schema and upgrades Swagger 2.0 and OpenAPI 3.0 to 3.1, so every revision
 * holds one shape of document for the changelog, the reference and the gateway.
 *
 * Nothing outside the document is ever read: a `$ref` that does not start with `#` (a file such
 * as `/etc/hostname`, another host, a relative file) is refused before the parser sees it, and the
 * parser itself is given no file system and no fetch. YAML aliases are capped by the yaml
 * library (`maxAliasCount`), so a "billion laughs" document fails instead of filling memory.
 */
import { AppError } from "~/server/errors";
import { MAX_API_DOCUMENT_BYTES } from "~/lib/validators/api-publish";
import { msg } from "~/lib/validators/common";

export interface ParsedDocument {
  sourceFormat: "swagger-2.0" | "openapi-3.0" | "openapi-3.1";
  sourceSyntax: "json" | "yaml";
  /** The OpenAPI 3.1 document. */
  document: Record<string, unknown>;
  title: string;
  operationCount: number;
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** How many errors a refusal lists (a broken document can have thousands). */
const MAX_LISTED = 20;

/** `/paths/~1pets/get` → `paths › /pets › get`: where a person finds it in their file. */
export function readablePointer(pointer: string): string {
  const parts = pointer
    .split("/")
    .slice(pointer.startsWith("/") ? 1 : 0)
    .filter((p) => p !== "")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  return parts.length ? parts.join(" › ") : "(document)";
}

const refuse = (lines: string[]): never => {
  throw new AppError(300002, { source: lines.slice(0, MAX_LISTED) });
};

/** Every `$ref` that points outside the document, with where it is. */
function externalRefs(node: unknown, at: string[] = [], out: string[] = []): string[] {
  if (out.length >= MAX_LISTED) return out;
  if (Array.isArray(node)) node.forEach((v, i) => externalRefs(v, [...at, String(i)], out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && !v.startsWith("#")) out.push(`${at.join(" › ") || "(document)"}: $ref ${v.slice(0, 200)}`);
      else externalRefs(v, [...at, k], out);
    }
  }
  return out;
}

export function countOperations(document: Record<string, unknown>): number {
  const paths = (document.paths ?? {}) as Record<string, Record<string, unknown> | undefined>;
  let n = 0;
  for (const item of Object.values(paths)) for (const m of HTTP_METHODS) if (item && typeof item === "object" && item[m]) n++;
  return n;
}

/** Parses, checks and upgrades `text`; refuses with error 300002 (the reasons and their places in `source`) or 300013. */
export async function parseApiDocument(text: string): Promise<ParsedDocument> {
  if (Buffer.byteLength(text, "utf8") > MAX_API_DOCUMENT_BYTES) throw new AppError(300013);
  const trimmed = text.trimStart();
  const sourceSyntax = trimmed.startsWith("{") ? "json" : "yaml";
  // The parser (with its JSON Schema validator) loads with the first import: ~0.2 s no other call needs.
  const { normalize, upgrade, validate } = await import("@scalar/openapi-parser");
  let parsed: unknown;
  try {
    parsed = normalize(text);
  } catch (e) {
    return refuse([msg(sourceSyntax === "json" ? "documentNotJson" : "documentNotYaml"), (e instanceof Error ? e.message : String(e)).slice(0, 300)]);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return refuse([msg("documentNotApi")]);
  const doc = parsed as Record<string, unknown>;
  const declared = typeof doc.openapi === "string" ? doc.openapi : doc.swagger === "2.0" ? "2.0" : null;
  const sourceFormat = declared === "2.0" ? "swagger-2.0" : declared?.startsWith("3.0") ? "openapi-3.0" : declared?.startsWith("3.1") ? "openapi-3.1" : null;
  if (!sourceFormat) return refuse([msg("documentNotApi")]);
  const external = externalRefs(doc);
  if (external.length) return refuse([msg("documentExternalRef"), ...external]);

  const checked = await validate(doc);
  if (!checked.valid) {
    const all = (checked.errors ?? []).map((e) => ({ at: readablePointer([e.path ?? ""].flat().join("/")), message: e.message }));
    // The schema's own branching ("must match \"else\" schema", "… exactly one schema in oneOf") says
    // nothing a person can act on when a more precise complaint names the place.
    const precise = all.filter((e) => !/must match "(then|else)" schema|must match (exactly one|a) schema in (oneOf|anyOf)/.test(e.message));
    const lines = (precise.length ? precise : all).map((e) => `${e.at}: ${e.message}`);
    return refuse([msg("documentInvalid"), ...new Set(lines)]);
  }
  const upgraded = upgrade(doc).specification as Record<string, unknown>;
  const info = (upgraded.info ?? {}) as { title?: unknown };
  return {
    sourceFormat,
    sourceSyntax,
    document: upgraded,
    title: typeof info.title === "string" ? info.title.slice(0, 200) : "",
    operationCount: countOperations(upgraded),
  };
}
