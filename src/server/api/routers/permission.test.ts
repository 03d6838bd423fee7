import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

const t = setupWorld();
let w: typeof t.w;
beforeAll(() => {
  w = t.w;
});

describe("permission.list: the permission-code registry", () => {
  it("lists every code once, named in the caller's language", async () => {
    const en = await w.callerFor(w.managerB.id, w.tenantB, { locale: "en" });
    const all = await en.permission.list({});
    expect(all).toHaveLength(112);
    expect(new Set(all.map((p) => p.code)).size).toBe(112);
    expect(all.find((p) => p.code === "uc.lock.unlock")).toEqual({
      code: "uc.lock.unlock",
      resource: "lock",
      action: "unlock",
      name: "Account locks: unlock",
      resourceName: "Account locks",
    });
    expect(all.filter((p) => p.resource === "export").map((p) => p.code)).toEqual(["uc.export.get", "uc.export.post"]);
    expect(all.find((p) => p.code === "uc.messagetemplate.reset")).toMatchObject({ name: "Message templates: reset to default" });

    const zh = await w.callerFor(w.managerB.id, w.tenantB, { locale: "zh-CN" });
    expect((await zh.permission.list({})).find((p) => p.code === "uc.audit.get")).toEqual({
      code: "uc.audit.get",
      resource: "audit",
      action: "get",
      name: "审计日志列表",
      resourceName: "审计日志",
    });
  });

  it("searches codes and names in both languages, whatever the caller's language", async () => {
    const en = await w.callerFor(w.managerB.id, w.tenantB, { locale: "en" });
    expect((await en.permission.list({ q: "  UC.OUTBOX " })).map((p) => p.code)).toEqual(["uc.outbox.get"]);
    // A Chinese word from an English-speaking caller, and the other way round.
    expect((await en.permission.list({ q: "账号锁定" })).map((p) => p.code)).toEqual(["uc.lock.get", "uc.lock.unlock"]);
    const zh = await w.callerFor(w.managerB.id, w.tenantB, { locale: "zh-CN" });
    const tokens = await zh.permission.list({ q: "issue token" });
    expect(tokens).toEqual([
      { code: "uc.client.issuetoken", resource: "client", action: "issuetoken", name: "OAuth 客户端签发令牌", resourceName: "OAuth 客户端" },
    ]);
    expect(await en.permission.list({ q: "no-such-permission" })).toEqual([]);
  });

  it("refuses a query that is too long or holds control characters as a field error", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const long = await failure(() => admin.permission.list({ q: "x".repeat(101) }));
    expect(long).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(long.fields!)).toEqual(["q"]);
    const ctrl = await failure(() => admin.permission.list({ q: "a\u0001b" }));
    expect(ctrl).toMatchObject({ code: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(ctrl.fields!)).toEqual(["q"]);
  });

  it("needs uc.permission.get: self-service users get 10002, anonymous callers 10001", async () => {
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.permission.list({}))).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    const nobody = await w.callerFor(w.nobodyB.id);
    expect(await failure(() => nobody.permission.list({}))).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    const anon = await w.callerFor(null);
    expect(await failure(() => anon.permission.list({}))).toMatchObject({ code: 10001, trpc: "UNAUTHORIZED" });
    // The operator holds uc.all.
    const op = await w.callerFor(w.operator.id, w.platform);
    expect(await op.permission.list({ q: "uc.tenant.post" })).toHaveLength(1);
  });
});
