/**
 * What a generator is given instead of the description as it was imported. Generators turn
 * names from the document (tags, operation ids, schema names, path segments) into file and
 * folder names, so a name such as `../../etc/x` must never reach one: names with a path
 * separator, `..`, a leading dot or `~`, a drive letter, a control character (NUL) or absurd
 * length are renamed (every `$ref` to them follows), and parameter names, which must match the
 * path template, are refused. `$ref`s outside the document are refused (a generator would read
 * the file or fetch the URL), vendor extensions (`x-…`, which steer some generators' output) are
 * dropped, and NUL is taken out of every string. The result is plain JSON.
 */

export class UnsafeDocumentError extends Error {
  constructor(
    readonly reason: "notOpenApi" | "externalRef" | "unsafeParameter" | "tooDeep",
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface Renamed {
  kind: string;
  from: string;
  to: string;
}

const MAX_DEPTH = 200;
const COMPONENT_KINDS = ["schemas", "responses", "parameters", "requestBodies", "headers", "securitySchemes", "examples", "links", "callbacks", "pathItems"];
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A name that must not become (part of) a file name as it is. */
export function isUnsafeName(s: string): boolean {
  return (
    s.trim() === "" ||
    s.length > 200 ||
    /[/\\\u0000-\u001f\u007f]/.test(s) ||
    s.includes("..") ||
    /^[.~]/.test(s) ||
    /^[A-Za-z]:/.test(s) ||
    /[\u202a-\u202e\u2066-\u2069]/.test(s)
  );
}

export function safeName(s: string): string {
  const cleaned = s
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/^[A-Za-z]:/, "")
    .replace(/[/\\:\u0000-\u001f\u007f]+/g, "_")
    .replace(/\.{2,}/g, "_")
    .replace(/^[._~\s]+/, "")
    .slice(0, 100)
    .trim();
  return cleaned || "unnamed";
}

/** A renamer that keeps names unique within one kind (`Pet`, `Pet_2`). */
function renamer(kind: string, taken: Iterable<string>, log: Renamed[]) {
  const used = new Set(taken);
  const map = new Map<string, string>();
  return (name: string): string => {
    if (!isUnsafeName(name)) return name;
    const known = map.get(name);
    if (known) return known;
    const base = safeName(name);
    let candidate = base;
    for (let i = 2; used.has(candidate); i++) candidate = `${base}_${i}`;
    used.add(candidate);
    map.set(name, candidate);
    log.push({ kind, from: name, to: candidate });
    return candidate;
  };
}

const escapePointer = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const unescapePointer = (s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~");

/** Deep copy as JSON: vendor extensions dropped, NUL out of strings and keys, depth bounded, external `$ref`s refused. */
function clean(value: unknown, depth: number): Json {
  if (depth > MAX_DEPTH) throw new UnsafeDocumentError("tooDeep", `more than ${MAX_DEPTH} levels`);
  if (typeof value === "string") return value.replace(/\u0000/g, "");
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  if (typeof value === "object") {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k.startsWith("x-") || v === undefined || typeof v === "function") continue;
      if (k === "$ref") {
        if (typeof v !== "string" || !v.startsWith("#")) throw new UnsafeDocumentError("externalRef", String(v).slice(0, 200));
      }
      out[k.replace(/\u0000/g, "")] = clean(v, depth + 1);
    }
    return out;
  }
  return null;
}

/** Every node of the tree (objects), parents before children. */
function* walk(node: Json): Generator<Obj> {
  const stack: Json[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (Array.isArray(n)) stack.push(...n);
    else if (isObj(n)) {
      yield n;
      for (const v of Object.values(n)) if (typeof v === "object" && v !== null) stack.push(v);
    }
  }
}

export function sanitizeDocument(input: unknown): { document: Obj; renamed: Renamed[] } {
  if (!isObj(input) || typeof input.openapi !== "string" || !/^3\.[01]\./.test(input.openapi)) {
    throw new UnsafeDocumentError("notOpenApi", "an OpenAPI 3.0 or 3.1 document is expected");
  }
  const doc = clean(input, 0) as Obj;
  const renamed: Renamed[] = [];

  // Component names, and the pointers that lead to them.
  const refMap = new Map<string, string>();
  const components = isObj(doc.components) ? doc.components : null;
  if (components) {
    for (const kind of COMPONENT_KINDS) {
      const group = components[kind];
      if (!isObj(group)) continue;
      const rename = renamer(kind, Object.keys(group), renamed);
      const next: Obj = {};
      for (const [name, v] of Object.entries(group)) {
        const to = rename(name);
        next[to] = v;
        if (to !== name) refMap.set(`#/components/${kind}/${escapePointer(name)}`, `#/components/${kind}/${escapePointer(to)}`);
      }
      components[kind] = next;
    }
  }

  // Security requirements name security schemes.
  const schemeRename = new Map(renamed.filter((r) => r.kind === "securitySchemes").map((r) => [r.from, r.to]));
  const renameSecurity = (list: Json | undefined) => {
    if (!Array.isArray(list)) return list;
    return list.map((req) => (isObj(req) ? Object.fromEntries(Object.entries(req).map(([k, v]) => [schemeRename.get(k) ?? k, v])) : req));
  };
  if (doc.security) doc.security = renameSecurity(doc.security) as Json;

  // Paths: a segment `.` or `..`, or with a backslash or control character, renamed.
  const paths = isObj(doc.paths) ? doc.paths : {};
  const nextPaths: Obj = {};
  for (const [p, item] of Object.entries(paths)) {
    const segments = p.split("/").slice(p.startsWith("/") ? 1 : 0);
    let to = p;
    if (!p.startsWith("/") || segments.some(isUnsafeSegment)) {
      const base = "/" + segments.map((s) => (isUnsafeSegment(s) ? safeName(s) : s)).join("/");
      to = base;
      for (let i = 2; Object.hasOwn(nextPaths, to) || Object.hasOwn(paths, to); i++) to = `${base}_${i}`;
      renamed.push({ kind: "paths", from: p, to });
    }
    nextPaths[to] = item;
  }
  doc.paths = nextPaths;

  // Operations: ids and tags.
  const topTags = Array.isArray(doc.tags) ? doc.tags.filter(isObj) : [];
  const tagNames = new Set<string>(topTags.map((t) => String(t.name ?? "")));
  const ops: Obj[] = [];
  for (const item of Object.values(nextPaths)) {
    if (!isObj(item)) continue;
    for (const m of METHODS) if (isObj(item[m])) ops.push(item[m]);
    checkParameters(item.parameters);
  }
  for (const op of ops) if (Array.isArray(op.tags)) for (const t of op.tags) if (typeof t === "string") tagNames.add(t);
  const renameTag = renamer("tags", tagNames, renamed);
  for (const t of topTags) if (typeof t.name === "string") t.name = renameTag(t.name);
  const renameOperation = renamer(
    "operationIds",
    ops.map((o) => String(o.operationId ?? "")),
    renamed,
  );
  for (const op of ops) {
    if (typeof op.operationId === "string") op.operationId = renameOperation(op.operationId);
    else if (op.operationId !== undefined) delete op.operationId;
    if (Array.isArray(op.tags)) op.tags = op.tags.filter((t): t is string => typeof t === "string").map(renameTag);
    if (op.security) op.security = renameSecurity(op.security) as Json;
    checkParameters(op.parameters);
  }
  if (components && isObj(components.parameters)) for (const p of Object.values(components.parameters)) checkParameters([p]);

  // Property names (inline objects become classes named after them in some generators).
  for (const node of walk(doc)) {
    if (isObj(node.properties) && !("in" in node)) {
      const rename = renamer("properties", Object.keys(node.properties), renamed);
      const props = node.properties;
      const map = new Map<string, string>();
      node.properties = Object.fromEntries(
        Object.entries(props).map(([k, v]) => {
          const to = rename(k);
          map.set(k, to);
          return [to, v];
        }),
      );
      if (Array.isArray(node.required)) node.required = node.required.map((r) => (typeof r === "string" ? (map.get(r) ?? r) : r));
    }
  }

  // Every pointer into a renamed component follows it (discriminator mappings too).
  if (refMap.size) {
    const follow = (ref: string): string => {
      for (const [from, to] of refMap) if (ref === from || ref.startsWith(`${from}/`)) return to + ref.slice(from.length);
      return ref;
    };
    for (const node of walk(doc)) {
      if (typeof node.$ref === "string") node.$ref = follow(node.$ref);
      if (isObj(node.discriminator) && isObj(node.discriminator.mapping)) {
        const mapping = node.discriminator.mapping;
        for (const [k, v] of Object.entries(mapping)) if (typeof v === "string") mapping[k] = v.startsWith("#") ? follow(v) : safeRefName(v);
      }
    }
  }
  return { document: doc, renamed };
}

// A URL segment is only a path to a generator when it is `.` or `..` as a whole (`{base}...{head}` is GitHub's compare URL).
const isUnsafeSegment = (s: string) => s === "." || s === ".." || /[\\\u0000-\u001f\u007f]/.test(s);
const safeRefName = (s: string) => (isUnsafeName(s) ? safeName(s) : s);

function checkParameters(list: Json | undefined) {
  if (!Array.isArray(list)) return;
  for (const p of list) {
    if (isObj(p) && typeof p.name === "string" && (isUnsafeName(p.name) || /[{}]/.test(p.name))) {
      throw new UnsafeDocumentError("unsafeParameter", p.name.slice(0, 100));
    }
  }
}

/** `#/components/schemas/a~1b` → `a/b` (tests). */
export const pointerName = (ref: string) => unescapePointer(ref.split("/").pop() ?? "");

/**
 * OpenAPI 3.1 as 3.0 for swagger-codegen 3, which reads 3.0 only: `type: [T, "null"]` becomes
 * `type: T, nullable: true`, `const` an `enum`, `examples` an `example`, numeric exclusive bounds
 * the 3.0 pair. Good enough for generating code; the stored document is untouched.
 */
export function downgradeTo30(doc: Obj): Obj {
  const out = structuredClone(doc);
  out.openapi = "3.0.3";
  delete out.jsonSchemaDialect;
  delete out.webhooks;
  for (const node of walk(out)) {
    if (Array.isArray(node.type)) {
      const types = node.type.filter((t) => t !== "null");
      if (types.length < node.type.length) node.nullable = true;
      if (types.length === 1) node.type = types[0]!;
      else delete node.type;
    }
    if (node.type === "null") {
      delete node.type;
      node.nullable = true;
    }
    if ("const" in node && !("in" in node)) {
      node.enum = [node.const!];
      delete node.const;
    }
    if (Array.isArray(node.examples) && !("in" in node) && ("type" in node || "properties" in node)) {
      node.example = node.examples[0] ?? null;
      delete node.examples;
    }
    for (const [bound, flag] of [
      ["exclusiveMinimum", "minimum"],
      ["exclusiveMaximum", "maximum"],
    ] as const) {
      if (typeof node[bound] === "number") {
        node[flag] = node[bound];
        node[bound] = true;
      }
    }
    delete node.$schema;
    delete node.contentMediaType;
    delete node.contentEncoding;
  }
  return out;
}
