import "server-only";
import { TRPCError } from "@trpc/server";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/context";
import type { Context } from "~/server/api/trpc";
import { db as defaultDb, type Db } from "~/server/db";
import { currentLog } from "~/server/log";

/**
 * The REST mirror: every procedure with `meta.openapi`, under /api/v1. Its handler is built once
 * per database — trpc-to-openapi's own fetch adapter rebuilds its route table (a regular expression per
 * procedure) on every request, ~0.3 ms of CPU each time. Requests reach it the way that adapter
 * passes them: the Request with its body already parsed, and a response object collecting the answer.
 */
// The handler is typed for Node's IncomingMessage/ServerResponse, yet (as trpc-to-openapi's own
// fetch adapter relies on) it reads a fetch Request just as well: hence the two casts below.
type NodeHandler = (req: Request, res: unknown) => Promise<void>;
const build = (db: Db) =>
  createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req }: { req: Request }) => createContext(req, db),
    onError({ error, path, ctx }: { error: TRPCError; path?: string; ctx?: Context }) {
      // Procedures log their own outcome; what fails before one runs (no route, no body) is logged here.
      if (ctx) return;
      if (error.code === "INTERNAL_SERVER_ERROR")
        currentLog().error({ rest: path ?? null, outcome: "error", err: error.cause ?? error }, "REST request failed");
      else currentLog().info({ rest: path ?? null, outcome: "refused", trpcCode: error.code }, "REST request refused");
    },
  } as unknown as Parameters<typeof createOpenApiNodeHttpHandler>[0]) as unknown as NodeHandler;
const handlers = new WeakMap<Db, NodeHandler>();

const ENDPOINT = "/api/v1";

async function parsedBody(req: Request): Promise<{ ok: true; data: unknown } | { ok: false; cause: unknown }> {
  const type = req.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) return { ok: true, data: JSON.parse(await req.text()) };
    if (type.includes("application/x-www-form-urlencoded")) {
      const params = new URLSearchParams(await req.text());
      return { ok: true, data: Object.fromEntries([...params.keys()].map((k) => [k, params.getAll(k)])) };
    }
    return { ok: true, data: req.body };
  } catch (cause) {
    return { ok: false, cause };
  }
}

/** Answers a request under /api/v1 (tests pass their own database). */
export async function handleRest(original: Request, db: Db = defaultDb): Promise<Response> {
  let handler = handlers.get(db);
  if (!handler) handlers.set(db, (handler = build(db)));
  const url = original.url.replace(ENDPOINT, "");
  const body = await parsedBody(original);
  // The adapter reads `url` and `body` off the request: both are shadowed on this instance (own
  // properties; a Proxy in between cost ~0.15 ms per call in its traps).
  const req = Object.defineProperties(original, {
    url: { value: url },
    body: {
      get() {
        if (!body.ok) throw new TRPCError({ code: "PARSE_ERROR", message: "Failed to parse request body", cause: body.cause });
        return body.data;
      },
    },
  });
  const headers = new Headers();
  return new Promise<Response>((resolve, reject) => {
    let status = 200;
    const res = {
      setHeader(key: string, value: string | string[]) {
        if (typeof value === "string") headers.set(key, value);
        else for (const v of value) headers.append(key, v);
      },
      get statusCode() {
        return status;
      },
      set statusCode(code: number) {
        status = code;
      },
      end(text?: string) {
        resolve(new Response(text, { headers, status }));
      },
    };
    handler(req, res).catch(reject);
  });
}
