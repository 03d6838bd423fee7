/**
 * Bad text in, never a 500 out, nothing written: every procedure of the manifest gets a
 * valid-looking input built from its own zod schema, with one string leaf at a time (and one
 * record key) replaced by text holding a NUL, a C0 control or a lone surrogate. The REST mirror
 * gets the same in a query filter and a JSON body, and bodies it cannot read.
 */
import { randomUUID } from "node:crypto";
import type { AnyTRPCProcedure } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { apiManifest } from "~/server/api/manifest";
import { appRouter, createCaller } from "~/server/api/root";
import { handleRest } from "~/server/api/rest";
import { AppError, appCodeFor } from "~/server/errors";
import { createLoginSession } from "~/server/services/session";
import { signSessionToken } from "~/server/services/tokens";
import { setupWorld } from "~/test/fixtures";

const t = setupWorld();

const BAD = { nul: "a\u0000b", control: "a\u0001b", del: "a\u007fb", surrogate: "a\ud800b" } as const;

type Leaf = { path: (string | number)[]; kind: "value" | "key" };
type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown) => (s as { _zod: { def: Def } })._zod.def;

/** A plausible value for a string schema: its format if it has one, else letters. */
function plausibleString(schema: unknown): string {
  const format = (schema as { _zod: { bag?: { format?: string } } })._zod.bag?.format;
  if (format === "uuid" || format === "guid") return randomUUID();
  if (format === "email") return "someone@b.test";
  if (format === "url") return "https://b.test/x";
  if (format === "date") return "2020-01-02";
  if (format === "datetime") return "2020-01-02T03:04:05Z";
  return "abcdef";
}

/** A valid-looking value for `schema`, and where its string leaves (and record keys) are. */
function build(schema: unknown, path: (string | number)[], leaves: Leaf[], depth = 0): unknown {
  if (depth > 12) return undefined;
  const def = defOf(schema);
  switch (def.type) {
    case "string":
      leaves.push({ path, kind: "value" });
      return plausibleString(schema);
    case "number":
    case "int":
      return 60;
    case "bigint":
      return 1n;
    case "boolean":
      return true;
    case "date":
      return new Date("2020-01-02T00:00:00Z");
    case "enum":
      return Object.values(def.entries as Record<string, string>)[0];
    case "literal":
      return (def.values as unknown[])[0];
    case "unknown":
    case "any":
      leaves.push({ path, kind: "value" });
      return "abcdef";
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return build(def.innerType, path, leaves, depth + 1);
    case "pipe":
      return build(defOf(def.in).type === "transform" ? def.out : def.in, path, leaves, depth + 1);
    case "lazy":
      return build((def.getter as () => unknown)(), path, leaves, depth + 1);
    case "array":
      return [build(def.element, [...path, 0], leaves, depth + 1)];
    case "tuple":
      return (def.items as unknown[]).map((s, i) => build(s, [...path, i], leaves, depth + 1));
    case "union":
      return build((def.options as unknown[])[0], path, leaves, depth + 1);
    case "intersection":
      return Object.assign({}, build(def.left, path, leaves, depth + 1), build(def.right, path, leaves, depth + 1));
    case "record": {
      leaves.push({ path: [...path, "k"], kind: "key" });
      return { k: build(def.valueType, [...path, "k"], leaves, depth + 1) };
    }
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(def.shape as Record<string, unknown>)) out[k] = build(s, [...path, k], leaves, depth + 1);
      return out;
    }
    default:
      return undefined;
  }
}

/** `value` with the leaf at `leaf.path` replaced by `bad` (a record key is renamed to it). */
function withBad(value: unknown, leaf: Leaf, bad: string): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  if (leaf.path.length === 0) return bad;
  const parent = leaf.path.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, copy);
  const last = leaf.path[leaf.path.length - 1]!;
  if (leaf.kind === "key") {
    parent[bad] = parent[last];
    delete parent[last];
  } else parent[last] = bad;
  return copy;
}

/** Rows of every table, to show that nothing was written. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = await t.db.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await t.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${name}"`);
    counts[name] = Number(row!.n);
  }
  return counts;
}

const procedures = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;

describe("bad text in every input", () => {
  let caller: ReturnType<typeof createCaller>;
  beforeAll(async () => {
    // The operator on the platform's host: every guard lets it through to the input.
    caller = createCaller(await t.w.ctxFor(t.w.operator.id, t.w.platform, "platform"));
  });

  it("every procedure of the manifest refuses a NUL, a C0 control, DEL or a lone surrogate in any string leaf or record key: 400 10003, never a 500, nothing written", async () => {
    const before = await rowCounts();
    const answers: string[] = [];
    let calls = 0;
    for (const entry of apiManifest()) {
      const proc = procedures[entry.path]!;
      const inputs = (proc._def as { inputs?: unknown[] }).inputs ?? [];
      if (!inputs.length) continue;
      const leaves: Leaf[] = [];
      const base = inputs.length === 1 ? build(inputs[0], [], leaves) : Object.assign({}, ...inputs.map((s) => build(s, [], leaves)));
      const fn = entry.path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (input: unknown) => Promise<unknown>;
      for (const leaf of leaves) {
        for (const [name, bad] of Object.entries(BAD)) {
          calls++;
          const where = `${entry.path} ${leaf.kind === "key" ? "key " : ""}${leaf.path.join(".") || "(input)"} ${name}`;
          try {
            await fn(withBad(base, leaf, bad));
            answers.push(`${where}: accepted`);
          } catch (e) {
            if (!(e instanceof TRPCError)) answers.push(`${where}: threw ${String(e)}`);
            else if (e.code === "INTERNAL_SERVER_ERROR" || appCodeFor(e) === 10000) answers.push(`${where}: 500 ${String(e.cause ?? e.message).slice(0, 120)}`);
            else if (!(e instanceof AppError && e.appCode === 10003) && e.code !== "BAD_REQUEST") answers.push(`${where}: ${e.code} ${appCodeFor(e)}`);
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(500);
    expect(answers).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  }, 600_000);

  it("says which field and why, in the caller's language", async () => {
    const zh = await t.w.ctxFor(t.w.operator.id, t.w.platform, "platform");
    const fields = async (locale: "zh-CN" | "en") => {
      try {
        await createCaller({ ...zh, locale }).user.exists({ userName: BAD.nul });
      } catch (e) {
        return (e as AppError).fields;
      }
      throw new Error("accepted");
    };
    expect(await fields("en")).toEqual({ userName: ["Contains a control character (such as NUL) or an invalid character; remove it and try again"] });
    expect((await fields("zh-CN"))?.userName?.[0]).toMatch(/控制字符/);
  });

  it("fails closed on what it cannot look into: a value nested past 32 levels, or of a kind JSON cannot hold, is 400 10003 with its path", async () => {
    const ctx = await t.w.ctxFor(t.w.operator.id, t.w.platform, "platform");
    const fields = async (locale: "zh-CN" | "en", input: unknown) => {
      try {
        await createCaller({ ...ctx, locale }).user.exists(input as { userName: string });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        expect(e.appCode).toBe(10003);
        return e.fields;
      }
      throw new Error("accepted");
    };
    const nest = (leaf: unknown, levels: number): unknown => (levels ? { a: nest(leaf, levels - 1) } : leaf);
    const deep = await fields("en", { userName: "fine", extra: nest(BAD.nul, 33) });
    expect(Object.keys(deep ?? {})).toHaveLength(1);
    expect(Object.values(deep ?? {})[0]).toEqual(["Nested too deeply; send a flatter value"]);
    expect(Object.values((await fields("zh-CN", { userName: "fine", extra: nest("clean", 40) })) ?? {})[0]?.[0]).toMatch(/嵌套/);
    for (const odd of [1n, new Map(), new Set([1]), /x/, new Uint8Array(2), Number.NaN, Number.POSITIVE_INFINITY, () => 1, Symbol("s")])
      expect(await fields("en", { userName: "fine", extra: odd })).toEqual({
        extra: ["A kind of value this field cannot take (numbers must be finite; no binary or special types)"],
      });
    // 31 levels of clean nesting and an ordinary date are still fine for the check (the schema then judges them).
    expect(await fields("en", { userName: BAD.nul, extra: nest("clean", 31), when: new Date() })).toEqual({ userName: [expect.stringContaining("control")] });
  });

  it("the guards come first: anonymous is still 401 and a caller without the permission 403, whatever the input holds", async () => {
    const anon = createCaller(await t.w.ctxFor(null, t.w.tenantB));
    const plain = createCaller(await t.w.ctxFor(t.w.plainB.id, t.w.tenantB));
    const code = (p: Promise<unknown>) =>
      p.then(
        () => "accepted",
        (e: unknown) => (e instanceof AppError ? e.appCode : String(e)),
      );
    expect(await code(anon.user.exists({ userName: BAD.nul }))).toBe(10001);
    expect(await code(plain.user.exists({ userName: BAD.nul }))).toBe(10002);
    expect(await code(anon.auth.sendCode({ channel: "sms", target: BAD.nul, purpose: "login", afs: "x" }))).toBe(10003);
  });

  it("single-line fields refuse tab and line breaks; multi-line ones keep them", async () => {
    const { text, multiLineText, localizeIssue } = await import("~/lib/validators/common");
    const one = text().safeParse("a\tb");
    expect(one.success).toBe(false);
    expect(localizeIssue(one.error!.issues[0]!, "en")).toBe("One line of text: no line breaks, tabs or other control characters");
    expect(multiLineText().safeParse("line 1\r\n\tline 2").success).toBe(true);
    expect(multiLineText().safeParse("a\u0000b").success).toBe(false);
    expect(text().safeParse("中文 😀").success).toBe(true);
    expect(text().safeParse("a\udc00").success).toBe(false);
    const { roleCreateInput } = await import("~/lib/validators/role");
    expect(roleCreateInput.safeParse({ name: "ab", description: "two\nlines" }).success).toBe(true);
    expect(roleCreateInput.safeParse({ name: "a\nb" }).success).toBe(false);
  });
});

describe("the REST mirror answers bad requests with their own codes", () => {
  let token: string;
  beforeAll(async () => {
    const user = t.w.managerB;
    const s = await createLoginSession(t.db, { tenantId: user.tenantId, userId: user.id, site: "admin", method: "password" });
    token = await signSessionToken(t.db, { sessionId: s.id, userId: user.id, tenantId: user.tenantId, expiresAt: s.expiresAt });
  });
  const call = (method: string, path: string, init: { body?: string; type?: string } = {}) => {
    const headers: Record<string, string> = { host: "b.test", authorization: `Bearer ${token}` };
    if (init.type) headers["content-type"] = init.type;
    return handleRest(new Request(`http://b.test/api/v1${path}`, { method, headers, body: init.body }), t.db);
  };
  const answer = async (r: Response) => ({ status: r.status, appCode: ((await r.json()) as { data?: { appCode?: number } }).data?.appCode });

  it("no body, a wrong content type, a broken body: 4xx with 10011 / 10012, not 10000; control characters in a filter or body: 400 10003", async () => {
    const before = await rowCounts();
    const id = randomUUID();
    expect(await answer(await call("PUT", `/users/${id}`))).toEqual({ status: 415, appCode: 10011 });
    expect(await answer(await call("PUT", `/users/${id}`, { body: "x", type: "text/plain" }))).toEqual({ status: 415, appCode: 10011 });
    expect(await answer(await call("PUT", `/users/${id}`, { body: "", type: "application/json" }))).toEqual({ status: 400, appCode: 10012 });
    expect(await answer(await call("POST", "/roles", { body: '{"name":', type: "application/json" }))).toEqual({ status: 400, appCode: 10012 });
    expect(await answer(await call("GET", "/users?name=a%00b"))).toEqual({ status: 400, appCode: 10003 });
    expect(await answer(await call("GET", "/users?cursor=%01"))).toEqual({ status: 400, appCode: 10003 });
    expect(await answer(await call("GET", "/users/exists?userName=a%00b"))).toEqual({ status: 400, appCode: 10003 });
    expect(
      await answer(await call("POST", "/roles", { body: JSON.stringify({ name: "ok name", description: "a\u0000b" }), type: "application/json" })),
    ).toEqual({ status: 400, appCode: 10003 });
    expect(await answer(await call("POST", "/roles", { body: '{"name":"lone \\ud800 half"}', type: "application/json" }))).toEqual({
      status: 400,
      appCode: 10003,
    });
    expect(await rowCounts()).toEqual(before);
  });
});

describe("the JSON login API (outside tRPC)", () => {
  it("AddLogin and AddAoginr refuse control characters in any field: 400 10003, no failure counted, nothing written", async () => {
    const { jsonLogin } = await import("~/server/services/login-api");
    const before = await rowCounts();
    const pwd = "0123456789abcdef0123456789abcdef";
    const bodies: [string, Record<string, string>][] = [];
    for (const bad of Object.values(BAD)) {
      bodies.push(["AddLogin", { ustr: bad, pwd }], ["AddLogin", { ustr: "plainb", pwd, role: bad }], ["AddLogin", { ustr: "plainb", pwd, deviceId: bad }]);
      bodies.push(["AddLogin", { ustr: "plainb", pwd, afs: bad }], ["AddAoginr", { ustr: bad }]);
    }
    for (const [operation, body] of bodies) {
      const r = await jsonLogin(t.db, { operation, body, tenant: t.w.tenantB, locale: "en", ip: "198.51.100.7", userAgent: null });
      expect([operation, body, r.status, r.error]).toEqual([operation, body, 400, 10003]);
    }
    expect(await rowCounts()).toEqual(before);
  });
});

// The schema walker must understand every schema kind the inputs use, or leaves go untested.
it("the walker finds the string leaves of a nested schema", () => {
  const leaves: Leaf[] = [];
  build(
    z.object({
      a: z.string(),
      b: z.array(z.object({ c: z.string().optional() })),
      d: z.record(z.string(), z.unknown()),
      e: z.preprocess((v) => v, z.string()),
    }),
    [],
    leaves,
  );
  expect(leaves.map((l) => `${l.kind}:${l.path.join(".")}`)).toEqual(["value:a", "value:b.0.c", "key:d.k", "value:d.k", "value:e"]);
});
