/**
 * The operations of an online revision, as the gateway matches calls against them: method and
 * path (templated `{name}` segments match one segment), and the scopes its security requirement
 * names. Compiled once per revision (a revision's document never changes) and kept while used.
 */

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  /** How many segments are templated: concrete paths win over templated ones (OpenAPI 3.1 §4.8.8). */
  params: number;
  /** Alternatives (any one suffices), each the scopes it needs all of; empty: no scope needed. */
  scopes: string[][];
}

export interface MatchedOperation {
  method: string;
  template: string;
  scopes: string[][];
}

export interface Routes {
  match(method: string, path: string): MatchedOperation | null;
}

type SecurityRequirement = Record<string, unknown>;
interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown> | undefined>;
  security?: SecurityRequirement[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The scope sets a security requirement list allows: each requirement object needs every scope
 * its schemes list (OAuth2 and OpenID Connect schemes list scopes; others list none or roles,
 * which our tokens carry as scopes too). An empty list, or an empty object among them: none needed.
 */
export function requiredScopes(security: SecurityRequirement[] | undefined): string[][] {
  if (!Array.isArray(security) || !security.length) return [];
  const sets = security.map((req) =>
    Object.values(req ?? {})
      .flatMap((v) => (Array.isArray(v) ? v : []))
      .filter((s): s is string => typeof s === "string" && !!s),
  );
  return sets.some((s) => !s.length) ? [] : sets;
}

/** Whether `granted` satisfies one of the alternatives (or none is needed). */
export const scopesSatisfied = (alternatives: string[][], granted: readonly string[]) =>
  !alternatives.length || alternatives.some((set) => set.every((s) => granted.includes(s)));

export function compileRoutes(document: unknown): Routes {
  const doc = (document ?? {}) as OpenApiDocument;
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    if (!template.startsWith("/") || !item || typeof item !== "object") continue;
    const segments = template.split("/").slice(1);
    let params = 0;
    const source = segments
      .map((seg) =>
        seg
          .split(/(\{[^}/]+\})/)
          .map((part) => (/^\{[^}/]+\}$/.test(part) ? (params++, "[^/]+") : escapeRe(part)))
          .join(""),
      )
      .join("/");
    const pattern = new RegExp(`^/${source}/?$`);
    for (const method of METHODS) {
      const op = item[method] as { security?: SecurityRequirement[] } | undefined;
      if (!op || typeof op !== "object") continue;
      routes.push({ method: method.toUpperCase(), template, pattern, params, scopes: requiredScopes(op.security ?? doc.security) });
    }
  }
  routes.sort((a, b) => a.params - b.params);
  const byMethod = new Map<string, Route[]>();
  for (const r of routes) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), r]);
  return {
    match(method, path) {
      // A dot segment or an encoded slash would reach another path once the backend normalises it.
      if (/(^|\/)(\.|%2e){1,2}(\/|$)|%2f|%5c|\\/i.test(path)) return null;
      const find = (m: string) => byMethod.get(m)?.find((r) => r.pattern.test(path));
      // HEAD is answered like GET unless the document describes it.
      const r = find(method) ?? (method === "HEAD" ? find("GET") : undefined);
      return r ? { method: r.method, template: r.template, scopes: r.scopes } : null;
    },
  };
}

const compiled = new Map<string, Routes>();
const MAX_COMPILED = 500;

/** The routes of revision `id`, compiling `load()`'s document the first time (a small LRU). */
export async function routesOf(id: string, load: () => Promise<unknown>): Promise<Routes> {
  const hit = compiled.get(id);
  if (hit) {
    compiled.delete(id);
    compiled.set(id, hit);
    return hit;
  }
  const routes = compileRoutes(await load());
  compiled.set(id, routes);
  if (compiled.size > MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  return routes;
}
