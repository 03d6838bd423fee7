import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, logLevel, requestLog, setRootLog, withRequestLog, type Logger, redactSecrets } from "~/server/log";
import { jsonLogin } from "~/server/services/login-api";
import { consumeCode } from "~/server/services/codes";
import { createCaller } from "~/server/api/root";
import { USER_PASSWORD, setupWorld } from "~/test/fixtures";

const t = setupWorld();

/** Every line the logger writes, as text. */
let captured = "";
let previous: Logger;
beforeAll(() => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      captured += chunk.toString("utf8");
      done();
    },
  });
  previous = setRootLog(createLogger(sink, "info"));
});
afterAll(() => {
  setRootLog(previous);
});

const lines = () =>
  captured
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

describe("the server's log", () => {
  it("a sign-in's lines are JSON with the request id; failures and the lock are warnings; no password, digest, token or code in any line", async () => {
    captured = "";
    const tenant = t.w.tenantB;
    const login = (reqId: string, pwd: string) =>
      withRequestLog(new Request("http://b.test/api/v1/login/AddLogin", { headers: { "x-request-id": reqId } }), () =>
        jsonLogin(t.db, { operation: "AddLogin", body: { ustr: "plainb", pwd }, tenant, locale: "en", ip: "203.0.113.9", userAgent: "test" }),
      );
    const ok = await login("req-ok", md5(USER_PASSWORD));
    expect(ok.status).toBe(200);
    const token = ok.result!.token;
    const wrong = "Wrong-Password-42";
    // Two failures under a second apart lock the account: both are warnings, and so is the lock.
    expect((await login("req-bad-1", md5(wrong))).error).toBe(12001);
    expect((await login("req-bad-2", md5(wrong))).error).toBe(12001);
    // A tRPC call through the same logger: a refused one (bad input) logs its code, never its input.
    const ctx = await t.w.ctxFor(t.w.managerB.id, tenant);
    const caller = createCaller({ ...ctx, log: requestLog({ reqId: "req-trpc", tenantId: tenant.id, userId: t.w.managerB.id }) });
    await caller.user.exists({ userName: "secret-probe-name-\u0000" }).catch(() => undefined);
    await caller.user.exists({ userName: "plainb" });
    // A wrong one-time code (what an SMS sign-in checks): a warning naming neither the code nor the phone.
    const phone = "+86-13900001111";
    await t.db.verificationCode.create({
      data: { tenantId: tenant.id, purpose: "login", channel: "sms", target: phone, codeHash: "00".repeat(32), expiresAt: new Date(Date.now() + 60_000) },
    });
    await withRequestLog(new Request("http://b.test/", { headers: { "x-request-id": "req-code" } }), () =>
      consumeCode(t.db, { tenantId: tenant.id, purpose: "login", channel: "sms", target: phone, code: "654321" }),
    ).catch(() => undefined);

    const all = lines();
    expect(all.length).toBeGreaterThan(3);
    for (const line of all) expect(line.reqId, JSON.stringify(line)).toMatch(/^req-/);
    const failures = all.filter((l) => l.event === "signin.failed");
    expect(failures.map((l) => [l.reqId, l.level])).toEqual([
      ["req-bad-1", 40],
      ["req-bad-2", 40],
    ]);
    const lock = all.find((l) => l.event === "account.locked");
    expect(lock).toMatchObject({ level: 40, reqId: "req-bad-2", userId: t.w.plainB.id, tenantId: tenant.id });
    const calls = all.filter((l) => l.reqId === "req-trpc");
    expect(calls).toEqual([
      expect.objectContaining({ level: 30, path: "user.exists", outcome: "refused", appCode: 10003, tenantId: tenant.id, userId: t.w.managerB.id }),
      expect.objectContaining({ level: 30, path: "user.exists", outcome: "ok", ms: expect.any(Number) }),
    ]);
    expect(all.find((l) => l.reqId === "req-code")).toMatchObject({ level: 40, event: "code.failed", purpose: "login" });
    for (const secret of [USER_PASSWORD, md5(USER_PASSWORD), wrong, md5(wrong), token, token.split(".")[2]!, "secret-probe-name", "654321", "13900001111"]) {
      expect(captured.includes(secret), `the log holds ${secret}`).toBe(false);
    }
  });

  it("redacts known secret paths if an object carrying one is logged by mistake", () => {
    captured = "";
    requestLog({ reqId: "req-redact" }).warn(
      { password: "p4ss-word", body: { client_secret: "cs-123", nested: { token: "tok-456" } }, headers: { authorization: "Bearer abc", cookie: "sid=1" } },
      "oops",
    );
    for (const secret of ["p4ss-word", "cs-123", "tok-456", "Bearer abc", "sid=1"]) expect(captured).not.toContain(secret);
    expect(lines()[0]).toMatchObject({ reqId: "req-redact", password: "[redacted]" });
  });

  it("blanks secret keys in the first three levels, in any case and inside arrays, and copies nothing else", () => {
    const clean = { path: "user.list", ms: 1.2, nested: { a: [1, 2] } };
    expect(redactSecrets(clean)).toBe(clean);
    const dirty = { Password: "x", list: [{ TOKEN: "t" }, 3], a: { b: { cookie: "c", deeper: { secret: "kept at level 4" } } } };
    expect(redactSecrets(dirty)).toEqual({
      Password: "[redacted]",
      list: [{ TOKEN: "[redacted]" }, 3],
      a: { b: { cookie: "[redacted]", deeper: { secret: "kept at level 4" } } },
    });
    expect(dirty.Password).toBe("x");
  });

  it("takes a sane x-request-id, makes one up otherwise; LOG_LEVEL sets the level (silent in tests by default)", () => {
    captured = "";
    withRequestLog(new Request("http://x.test/", { headers: { "x-request-id": "bad id with spaces" } }), (log) => log.info("hello"));
    withRequestLog(new Request("http://x.test/"), (log) => log.info("again"));
    const [a, b] = lines();
    expect(a!.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b!.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a!.reqId).not.toBe(b!.reqId);
    expect(logLevel({ LOG_LEVEL: "warn" })).toBe("warn");
    expect(logLevel({ LOG_LEVEL: "nonsense" })).toBe("info");
    expect(logLevel({})).toBe("info");
    expect(logLevel({ VITEST: "true" })).toBe("silent");
  });
});
