import { beforeAll, describe, expect, it } from "vitest";
import { handleRest } from "~/server/api/rest";
import { setupWorld } from "~/test/fixtures";
import { createLoginSession } from "~/server/services/session";
import { signSessionToken } from "~/server/services/tokens";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
beforeAll(() => {
  w = t.w;
  db = t.db;
});

/** A bearer token for a new admin-site session of `userId`. */
async function tokenFor(userId: string) {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  const s = await createLoginSession(db, { tenantId: user.tenantId, userId, site: "admin", method: "password" });
  return { sessionId: s.id, token: await signSessionToken(db, { sessionId: s.id, userId, tenantId: user.tenantId, expiresAt: s.expiresAt }) };
}

const call = (method: string, path: string, opts: { token?: string; host?: string; body?: string; type?: string } = {}) => {
  const host = opts.host ?? "b.test";
  const headers: Record<string, string> = { host };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] = opts.type ?? "application/json";
  return handleRest(new Request(`http://${host}/api/v1${path}`, { method, headers, body: opts.body }), db);
};

describe("the REST mirror (/api/v1)", () => {
  it("creates, reads and deletes through JSON bodies and path parameters; a bad body or route writes nothing", async () => {
    const { token } = await tokenFor(w.managerB.id);
    const created = await call("POST", "/api-scopes", { token, body: JSON.stringify({ name: "rest.read", displayName: "Via REST", claims: ["sub"] }) });
    expect(created.status).toBe(200);
    const scope = (await created.json()) as { id: string; name: string; tenantId: string };
    expect(scope).toMatchObject({ name: "rest.read", tenantId: w.tenantB.id });
    const read = await call("GET", `/api-scopes/${scope.id}`, { token });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: scope.id, displayName: "Via REST" });

    const before = await db.apiScope.count();
    const broken = await call("POST", "/api-scopes", { token, body: '{"name": "rest.broken",' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: "PARSE_ERROR" });
    const invalid = await call("POST", "/api-scopes", { token, body: JSON.stringify({ name: "bad name!" }) });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { issues?: unknown[] }).issues?.length).toBeGreaterThan(0);
    const wrongType = await call("POST", "/api-scopes", { token, body: "name=x", type: "text/plain" });
    expect(wrongType.status).toBe(415);
    expect(await db.apiScope.count()).toBe(before);
    expect((await call("GET", "/no-such-route", { token })).status).toBe(404);

    expect((await call("DELETE", `/api-scopes/${scope.id}`, { token })).status).toBe(200);
    expect((await call("GET", `/api-scopes/${scope.id}`, { token })).status).toBe(404);
  });

  it("reads the host's tenant and the session together: another tenant's host, a frozen session or no token is 401", async () => {
    const { token, sessionId } = await tokenFor(w.managerB.id);
    expect((await call("GET", "/users?take=1", { token })).status).toBe(200);
    expect((await call("GET", "/users?take=1")).status).toBe(401);
    // The platform's host: the session belongs to tenant B, so it does not count there.
    const platformHost = (await db.tenantHost.findFirstOrThrow({ where: { tenantId: w.platform.id } })).host;
    expect((await call("GET", "/users?take=1", { token, host: platformHost })).status).toBe(401);
    // An unknown host has no tenant at all: 404 with 10007, whatever the token.
    const unknown = await call("GET", "/users?take=1", { token, host: "nobody.test" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ data: { appCode: 10007 } });
    await db.loginSession.update({ where: { id: sessionId }, data: { state: "frozen" } });
    expect((await call("GET", "/users?take=1", { token })).status).toBe(401);
    await db.loginSession.update({ where: { id: sessionId }, data: { state: "active" } });
    expect((await call("GET", "/users?take=1", { token })).status).toBe(200);
    // A disabled tenant stops its sessions at once.
    await db.tenant.update({ where: { id: w.tenantB.id }, data: { status: "disabled" } });
    try {
      expect((await call("GET", "/users?take=1", { token })).status).toBe(401);
    } finally {
      await db.tenant.update({ where: { id: w.tenantB.id }, data: { status: "enabled" } });
    }
  });
});

describe("field errors in the caller's language", () => {
  const say = async (locale: string, method: string, path: string, body: unknown) => {
    const { token } = await tokenFor(w.managerB.id);
    const r = await handleRest(
      new Request(`http://b.test/api/v1${path}`, {
        method,
        headers: { host: "b.test", authorization: `Bearer ${token}`, "content-type": "application/json", "accept-language": locale },
        body: JSON.stringify(body),
      }),
      db,
    );
    return { status: r.status, ...((await r.json()) as { data: { appCode: number; name: string; fields: Record<string, string[]> | null } }).data };
  };

  it("users: a taken name, a lock in the past, a bad cursor and a too-short name answer in zh-CN or en", async () => {
    const taken = { userName: w.plainB.userName };
    expect(await say("en", "POST", "/users", taken)).toMatchObject({
      status: 409,
      appCode: 15002,
      name: "Account exists",
      fields: { userName: ["This user name is already in use"] },
    });
    expect(await say("zh-CN", "POST", "/users", taken)).toMatchObject({
      status: 409,
      name: "账号已存在",
      fields: { userName: ["该用户名已被使用"] },
    });
    // Only the field that clashes, in words, never the value or "taken".
    const phoneClash = await say("zh-CN", "POST", "/users", { userName: "fresh-rest-01", phone: "+86-15810419011" });
    expect(phoneClash).toMatchObject({ status: 409, fields: { phone: ["该手机号已被使用"] } });
    expect(Object.keys(phoneClash.fields ?? {})).toEqual(["phone"]);
    expect(await say("en", "POST", "/users", { userName: "fresh-rest-02", email: "MANAGER@b.test" })).toMatchObject({
      status: 409,
      fields: { email: ["This email address is already in use"] },
    });
    const past = { until: new Date(Date.now() - 60_000).toISOString() };
    expect(await say("en", "PUT", `/users/${w.plainB.id}/lock`, past)).toMatchObject({
      status: 400,
      appCode: 10003,
      fields: { until: ["The lock must end in the future"] },
    });
    expect(await say("zh-CN", "PUT", `/users/${w.plainB.id}/lock`, past)).toMatchObject({ fields: { until: ["锁定截止时间必须晚于现在"] } });
    const { token } = await tokenFor(w.managerB.id);
    const cursor = await handleRest(
      new Request("http://b.test/api/v1/users?cursor=bm9wZQ", { headers: { host: "b.test", authorization: `Bearer ${token}`, "accept-language": "en" } }),
      db,
    );
    expect(((await cursor.json()) as { data: { fields: unknown } }).data.fields).toEqual({
      cursor: ["This page position is not valid; start again from the first page"],
    });
    expect(await say("en", "POST", "/users", { userName: "ab" })).toMatchObject({ status: 400, fields: { userName: ["A user name is 3 to 32 characters"] } });
    expect(await say("zh-CN", "POST", "/users", { userName: "ab" })).toMatchObject({ status: 400, fields: { userName: ["用户名长度为 3 到 32 个字符"] } });
  });
});

describe("the REST dispatcher", () => {
  it("keeps the input schemas strict: a string where a boolean belongs is refused, over REST and then over tRPC", async () => {
    // trpc-to-openapi's adapter coerced query strings by setting `coerce` on the shared schemas, so after one REST
    // call `"false"` in a body (REST or tRPC) became `true` and an API resource meant to be off was created on.
    const { token } = await tokenFor(w.managerB.id);
    const before = await db.apiResource.count();
    const body = JSON.stringify({ name: "rest.strict", enabled: "false" });
    const r = await call("POST", "/api-resources", { token, body });
    expect(r.status).toBe(400);
    const caller = await w.callerFor(w.managerB.id);
    await expect(caller.apiResource.create({ name: "rest.strict", enabled: "false" as unknown as boolean })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await db.apiResource.count()).toBe(before);
  });

  it("reads query strings by the schema (booleans are only true/false), decodes path parameters, and refuses a body that is not an object", async () => {
    const { token } = await tokenFor(w.managerB.id);
    const off = await call("POST", "/api-resources", { token, body: JSON.stringify({ name: "rest.off", enabled: false }) });
    expect(off.status).toBe(200);
    const { id } = (await off.json()) as { id: string };
    const list = async (q: string) =>
      ((await (await call("GET", `/api-resources?${q}`, { token })).json()) as { items: { id: string }[] }).items.map((i) => i.id);
    expect(await list("enabled=false&name=rest.off")).toContain(id);
    expect(await list("enabled=true&name=rest.off")).not.toContain(id);
    expect((await call("GET", "/api-resources?take=abc", { token })).status).toBe(400);
    // Path parameters arrive decoded; an undecodable one is a bad request, not a crash.
    expect((await call("GET", `/api-resources/${encodeURIComponent(id)}`, { token })).status).toBe(200);
    expect((await call("GET", "/api-resources/%E0%A4%A", { token })).status).toBe(400);
    expect((await call("GET", `/API-RESOURCES/${id}/`, { token })).status).toBe(200);
    for (const bad of ["[]", "null", '"text"', "7"]) expect((await call("POST", "/api-resources", { token, body: bad })).status).toBe(400);
    // A body field cannot override the path's id.
    const other = await call("PUT", `/api-resources/${id}`, { token, body: JSON.stringify({ id: crypto.randomUUID(), name: "rest.off", enabled: true }) });
    expect(other.status).toBe(200);
    expect((await db.apiResource.findUniqueOrThrow({ where: { id } })).enabled).toBe(true);
    expect((await call("DELETE", `/api-resources/${id}`, { token })).status).toBe(200);
  });
});
