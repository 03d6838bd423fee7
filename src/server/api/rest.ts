import "server-only";
import { TRPCError, type AnyTRPCProcedure } from "@trpc/server";
import { callProcedure, getErrorShape, getHTTPStatusCodeFromError, getTRPCErrorFromUnknown } from "@trpc/server/unstable-core-do-not-import";
import type { OpenApiMeta } from "trpc-to-openapi";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/context";
import { bearerChallenge } from "~/server/oidc/api-token";
import type { Context } from "~/server/api/trpc";
import { db as defaultDb, type Db } from "~/server/db";
import { currentLog } from "~/server/log";

/**
 * The REST mirror: every procedure with `meta.openapi`, under /api/v1, dispatched on tRPC's own
 * call path (`callProcedure`, as the /api/trpc endpoint does). The route table, and how each
 * procedure's query string is read, are worked out once when this module loads; a call costs one
 * route match, the input, the context and the procedure. (trpc-to-openapi still writes the
 * OpenAPI document; its request adapter rebuilt a caller proxy per call and mutated the shared
 * input schemas to coerce query strings, which also loosened the tRPC endpoint's inputs.)
 */

const ENDPOINT = "/api/v1";
const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/** How one query-string value turns into what the input schema expects. */
type Coerce = (raw: string) => unknown;
type QueryReader = (params: URLSearchParams) => Record<string, unknown>;

type Route = {
  /** The procedure's path in the router ("user.list"). */
  path: string;
  type: "query" | "mutation";
  /** The pattern's path parameters, in order, or null for a path without any. */
  params: string[] | null;
  pattern: RegExp | null;
  /** Null when the procedure takes no input at all. */
  readQuery: QueryReader | null;
};

type ZodLike = { _zod?: { def?: Record<string, unknown> & { type?: string } } };
const defOf = (s: unknown) => (s as ZodLike | undefined)?._zod?.def;

/** The schema under optional/nullable/default/… wrappers (a pipe is read by what it takes in). */
function unwrap(schema: unknown): unknown {
  for (let s = schema, i = 0; i < 16; i++) {
    const def = defOf(s);
    if (!def) return s;
    if (["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"].includes(def.type ?? "")) s = def.innerType;
    else if (def.type === "pipe") s = def.in;
    else return s;
  }
  return schema;
}

const keepString: Coerce = (raw) => raw;
/** Only the words true/false are booleans (zod's coerce would read "false" as true). */
const BOOLEANS: Record<string, boolean> = { true: true, false: false, "1": true, "0": false };

function coercerFor(schema: unknown): { coerce: Coerce; many: boolean } {
  const s = unwrap(schema);
  const def = defOf(s);
  if (def?.type === "array") return { coerce: coercerFor(def.element).coerce, many: true };
  switch (def?.type) {
    case "number":
    case "int":
      // An empty or non-numeric value stays a string: the schema then says what it expected.
      return { coerce: (raw) => (raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw), many: false };
    case "boolean":
      return { coerce: (raw) => BOOLEANS[raw] ?? raw, many: false };
    case "bigint":
      return { coerce: (raw) => (/^-?\d{1,40}$/.test(raw) ? BigInt(raw) : raw), many: false };
    case "date":
      return { coerce: (raw) => (Number.isNaN(Date.parse(raw)) ? raw : new Date(raw)), many: false };
    default:
      return { coerce: keepString, many: false };
  }
}

/** Reads a procedure's input from a query string, by the shape of its (merged) input schemas. */
function queryReaderFor(procedure: AnyTRPCProcedure): QueryReader | null {
  const inputs = (procedure._def as { inputs?: unknown[] }).inputs ?? [];
  if (inputs.length === 0) return null;
  const fields = new Map<string, { coerce: Coerce; many: boolean }>();
  for (const input of inputs) {
    const def = defOf(unwrap(input));
    if (def?.type !== "object") continue;
    for (const [key, field] of Object.entries(def.shape as Record<string, unknown>)) fields.set(key, coercerFor(field));
  }
  return (params) => {
    const out: Record<string, unknown> = {};
    for (const key of new Set(params.keys())) {
      const f = fields.get(key) ?? { coerce: keepString, many: false };
      const values = params.getAll(key).map(f.coerce);
      out[key] = f.many ? values : values.length === 1 ? values[0] : values;
    }
    return out;
  };
}

const normalize = (path: string) => `/${path.replace(/^\/+|\/+$/g, "")}`;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function buildRoutes() {
  const staticRoutes = new Map<string, Route>();
  const patterned = new Map<string, Route[]>();
  // `_def.procedures` is flat at run time: "user.list" → its procedure.
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
  for (const [path, procedure] of Object.entries(procedures)) {
    const openapi = (procedure._def.meta as OpenApiMeta | undefined)?.openapi;
    const type = procedure._def.type;
    if (!openapi || openapi.enabled === false || type === "subscription") continue;
    const template = normalize(openapi.path);
    const params = [...template.matchAll(/\{(.+?)\}/g)].map((m) => m[1]!);
    const route: Route = {
      path,
      type,
      params: params.length ? params : null,
      pattern: params.length
        ? new RegExp(
            `^${template
              .split(/\{.+?\}/)
              .map(escapeRegExp)
              .join("([^/]+)")}$`,
            "i",
          )
        : null,
      readQuery: queryReaderFor(procedure),
    };
    if (!route.pattern) staticRoutes.set(`${openapi.method} ${template.toLowerCase()}`, route);
    else patterned.set(openapi.method, [...(patterned.get(openapi.method) ?? []), route]);
  }
  return { staticRoutes, patterned };
}
const { staticRoutes, patterned } = buildRoutes();

/** The route for a method and a path under /api/v1, with its decoded path parameters. */
export function matchRoute(method: string, path: string): { route: Route; pathInput: Record<string, string> } | null {
  const p = normalize(path);
  const fixed = staticRoutes.get(`${method} ${p.toLowerCase()}`);
  if (fixed) return { route: fixed, pathInput: {} };
  for (const route of patterned.get(method) ?? []) {
    const m = route.pattern!.exec(p);
    if (!m) continue;
    const pathInput: Record<string, string> = {};
    route.params!.forEach((name, i) => {
      try {
        pathInput[name] = decodeURIComponent(m[i + 1]!);
      } catch (cause) {
        throw new TRPCError({ code: "BAD_REQUEST", message: `Path parameter ${name} is not valid`, cause });
      }
    });
    return { route, pathInput };
  }
  return null;
}

async function readBody(req: Request): Promise<Record<string, unknown>> {
  // A body method always sends a JSON object (`{}` when the path says everything).
  const type = req.headers.get("content-type");
  if (!type?.toLowerCase().startsWith("application/json"))
    throw new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: type ? `Unsupported content-type "${type}"` : "Missing content-type header" });
  let data: unknown;
  try {
    data = JSON.parse(await req.text());
  } catch (cause) {
    throw new TRPCError({ code: "PARSE_ERROR", message: "Failed to parse request body", cause });
  }
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw new TRPCError({ code: "BAD_REQUEST", message: "The request body must be a JSON object" });
  return data as Record<string, unknown>;
}

const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...extra } });

/** Answers a request under /api/v1 (tests pass their own database). */
export async function handleRest(req: Request, db: Db = defaultDb): Promise<Response> {
  let route: Route | undefined;
  let input: unknown;
  let ctx: Context | undefined;
  try {
    const url = new URL(req.url);
    const found = matchRoute(req.method, url.pathname.slice(url.pathname.indexOf(ENDPOINT) + ENDPOINT.length));
    if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "Not found" });
    route = found.route;
    if (route.readQuery) {
      // Path parameters win over a body or query field of the same name.
      const given = METHODS_WITH_BODY.has(req.method) ? await readBody(req) : route.readQuery(url.searchParams);
      input = { ...given, ...found.pathInput };
    }
    ctx = await createContext(req, db);
    const data: unknown = await callProcedure({
      router: appRouter,
      path: route.path,
      type: route.type,
      ctx,
      getRawInput: async () => input,
      signal: req.signal,
      batchIndex: 0,
    });
    return json(200, data ?? null);
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    if (!ctx) {
      // Procedures log their own outcome; what fails before one runs (no route, no body) is logged here.
      if (error.code === "INTERNAL_SERVER_ERROR")
        currentLog().error({ rest: route?.path ?? null, outcome: "error", err: error.cause ?? error }, "REST request failed");
      else currentLog().info({ rest: route?.path ?? null, outcome: "refused", trpcCode: error.code }, "REST request refused");
    }
    const shape = getErrorShape({
      config: appRouter._def._config,
      error,
      type: route?.type ?? "unknown",
      path: route?.path,
      input,
      ctx,
    });
    const invalidInput = error.code === "BAD_REQUEST" && error.cause instanceof Error && error.cause.name === "ZodError";
    const status = getHTTPStatusCodeFromError(error);
    const challenge = bearerChallenge(req.headers.get("authorization"), status, (shape.data as { appCode?: number }).appCode);
    return json(
      status,
      {
        ...shape,
        message: invalidInput ? "Input validation failed" : (shape.message ?? error.message),
        code: error.code,
        issues: invalidInput ? (error.cause as unknown as { issues: unknown[] }).issues : undefined,
      },
      challenge ? { "www-authenticate": challenge } : {},
    );
  }
}
