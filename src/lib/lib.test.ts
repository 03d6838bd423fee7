import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, PERMISSIONS, RESOURCE_NAMES, hasPermission, isGrantable } from "~/lib/permissions";
import { intersectGrants } from "~/lib/permission-scope";
import { describeError, errorTable, errorTables } from "~/lib/errors";
import { pickLocale, readCookie } from "~/i18n/locale";
import { tenantListInput, hostSchema } from "~/lib/validators/tenant";
import { fieldErrors, message } from "~/lib/validators/common";
import { tenantCreateInput } from "~/lib/validators/tenant";
import { userCreateInput } from "~/lib/validators/user";
import { clientCreateInput } from "~/lib/validators/client";
import { apiResourceCreateInput } from "~/lib/validators/api";

describe("permission registry", () => {
  it("names every code in both languages, in the <prefix>.<resource>.<action> form", () => {
    expect(PERMISSIONS.length).toBeGreaterThan(0);
    for (const p of PERMISSIONS) {
      expect(p.code).toMatch(/^uc\.[a-z]+\.[a-z]+$/);
      expect(p.nameZh).not.toBe("");
      expect(p.nameEn).not.toBe("");
    }
    expect(new Set(PERMISSIONS.map((p) => p.code)).size).toBe(PERMISSIONS.length);
  });

  it("honours exact codes and both wildcards, nothing else", () => {
    expect(hasPermission(["uc.tenant.get"], "uc.tenant.get")).toBe(true);
    expect(hasPermission(["uc.tenant.all"], "uc.tenant.delete")).toBe(true);
    expect(hasPermission(["uc.all"], "uc.permission.get")).toBe(true);
    expect(hasPermission(["uc.tenant.get"], "uc.tenant.detail")).toBe(false);
    expect(hasPermission(["uc.me.all"], "uc.tenant.get")).toBe(false);
    expect(hasPermission([], "uc.me.detail")).toBe(false);
  });

  it("built-in roles grant only registered codes, and `user` is self-service only", () => {
    for (const role of Object.values(BUILT_IN_ROLES)) for (const p of role.permissions) expect(isGrantable(p)).toBe(true);
    expect(BUILT_IN_ROLES.user.permissions).toEqual(["uc.me.all"]);
    expect(isGrantable("uc.nothing.all")).toBe(false);
    expect(isGrantable("uc.all")).toBe(true);
  });
});

describe("intersectGrants", () => {
  it("holds a code exactly when both lists hold it, wildcards understood", () => {
    const cases: [string[], string[]][] = [
      [["uc.all"], ["uc.user.all", "uc.role.get"]],
      [["uc.user.get", "uc.role.all"], [...BUILT_IN_ROLES.administrator.permissions]],
      [["uc.client.all", "uc.user.get"], [...BUILT_IN_ROLES.developer.permissions]],
      [["uc.user.all"], ["uc.all"]],
      [["uc.user.get"], []],
      [["uc.nothing.all", "bogus"], ["uc.all"]],
    ];
    for (const [a, b] of cases) {
      const both = intersectGrants(a, b);
      for (const p of PERMISSIONS) expect(hasPermission(both, p.code), `${p.code} in ${a} ∩ ${b}`).toBe(hasPermission(a, p.code) && hasPermission(b, p.code));
    }
    expect(intersectGrants(["uc.user.all"], ["uc.all"])).toEqual(["uc.user.all"]);
    expect(intersectGrants(["uc.all"], ["uc.user.get"])).toEqual(["uc.user.get"]);
    expect(intersectGrants(["uc.user.get", "uc.role.all"], [...BUILT_IN_ROLES.administrator.permissions])).toEqual(["uc.user.get", "uc.role.all"]);
  });
});

describe("error tables", () => {
  it("give every code a status and a name and description in both languages", () => {
    for (const table of Object.values(errorTables())) {
      for (const [code, def] of Object.entries(table)) {
        expect(Number(code)).toBeGreaterThanOrEqual(10000);
        expect(def.zh[0] && def.zh[1] && def.en[0] && def.en[1]).toBeTruthy();
      }
    }
    expect(describeError(10001, "en")).toMatchObject({ status: 401, name: "Not signed in" });
    expect(describeError(99999, "zh-CN").code).toBe(10000);
    expect(errorTable("tenant", "en").map((e) => e.code)).toEqual([11001, 11002, 11003, 11004, 11005]);
  });
});

describe("locale", () => {
  it("prefers the cookie, then Accept-Language order", () => {
    expect(pickLocale("en", "zh-CN,zh;q=0.9")).toBe("en");
    expect(pickLocale(undefined, "en-US,en;q=0.9,zh;q=0.8")).toBe("en");
    expect(pickLocale(undefined, "fr;q=1,zh-TW;q=0.5")).toBe("zh-CN");
    expect(pickLocale("xx", "")).toBe("zh-CN");
    expect(readCookie("a=1; NEXT_LOCALE=en; b=2", "NEXT_LOCALE")).toBe("en");
  });
});

describe("validators", () => {
  it("normalizes hosts and refuses junk", () => {
    expect(hostSchema.parse(" App.Example.COM ")).toBe("app.example.com");
    expect(hostSchema.safeParse("bad host").success).toBe(false);
    expect(hostSchema.safeParse("-x.com").success).toBe(false);
  });

  it("reads list input from a query string the same as from JSON", () => {
    const q = tenantListInput.parse({ asc: "false", skip: "20", take: "10", startTime: "2026-01-01" });
    expect(q).toMatchObject({ asc: false, skip: 20, take: 10, orderby: "createdAt" });
    expect(q.startTime).toBeInstanceOf(Date);
    expect(tenantListInput.parse({ asc: true }).asc).toBe(true);
    const bad = tenantListInput.safeParse({ startTime: "2026-02-01", endTime: "2026-01-01" });
    expect(bad.success).toBe(false);
    if (!bad.success) {
      expect(fieldErrors(bad.error, "en").endTime).toEqual(["The end is before the start"]);
      expect(fieldErrors(bad.error, "zh-CN").endTime).toEqual(["结束时间早于开始时间"]);
    }
  });
});

describe("one source of translations", () => {
  const read = (o: unknown, path: string) => path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o);

  it("error names and descriptions are the messages' (appErrors.<code>), in both languages", async () => {
    for (const locale of ["zh-CN", "en"] as const) {
      const messages = ((await import(`~/i18n/messages/${locale}/appErrors.json`)) as { default: Record<string, { name: string; description: string }> })
        .default;
      const codes = Object.values(errorTables()).flatMap((t) => Object.keys(t));
      expect(codes.sort()).toEqual(Object.keys(messages).sort());
      for (const code of codes) {
        expect(describeError(Number(code), locale)).toMatchObject(messages[code]!);
      }
      for (const resource of Object.keys(errorTables()) as (keyof ReturnType<typeof errorTables>)[]) {
        for (const row of errorTable(resource, locale)) expect(row).toMatchObject(messages[String(row.code)]!);
      }
    }
    expect(describeError(10011, "en")).toMatchObject({ status: 415, name: "Unsupported content type" });
    expect(describeError(10012, "zh-CN")).toMatchObject({ status: 400, name: "请求体无法解析" });
  });

  it("permission names are composed from the messages (permissionNames.resources / actions / name)", async () => {
    const zh = ((await import("~/i18n/messages/zh-CN/permissionNames.json")) as { default: unknown }).default;
    const en = ((await import("~/i18n/messages/en/permissionNames.json")) as { default: unknown }).default;
    for (const p of PERMISSIONS) {
      expect(p.nameZh).toBe(`${read(zh, `resources.${p.resource}`)}${read(zh, `actions.${p.action}`)}`);
      expect(p.nameEn).toBe(`${read(en, `resources.${p.resource}`)}: ${read(en, `actions.${p.action}`)}`);
      expect(RESOURCE_NAMES[p.resource]).toEqual({ zh: read(zh, `resources.${p.resource}`), en: read(en, `resources.${p.resource}`) });
    }
    expect(PERMISSIONS.find((p) => p.code === "uc.user.resetpassword")).toMatchObject({ nameZh: "用户重置密码", nameEn: "Users: reset password" });
  });

  it("field messages are the messages' (validation.*), and zod's issues read as sentences", async () => {
    const en = ((await import("~/i18n/messages/en/validation.json")) as { default: Record<string, unknown> }).default;
    const zh = ((await import("~/i18n/messages/zh-CN/validation.json")) as { default: Record<string, unknown> }).default;
    expect(message("duplicate", "en")).toBe(en.duplicate);
    expect(message("duplicate", "zh-CN")).toBe(zh.duplicate);
    const errors = (input: unknown, locale: "zh-CN" | "en") => {
      const r = userCreateInput.safeParse(input);
      return r.success ? {} : fieldErrors(r.error, locale);
    };
    // Too short: a sentence with what is allowed, no "string", "undefined" or pattern.
    expect(errors({ userName: "ab" }, "en").userName).toEqual(["A user name is 3 to 32 characters"]);
    expect(errors({ userName: "ab" }, "zh-CN").userName).toEqual(["用户名长度为 3 到 32 个字符"]);
    expect(errors({ userName: "1abc" }, "en").userName).toEqual(["A user name starts with a letter and may contain letters, digits, _ . -"]);
    expect(errors({ userName: "x".repeat(40) }, "en").userName).toEqual(["A user name is 3 to 32 characters"]);
    expect(errors({ userName: "abc", status: "nope" }, "en").status).toEqual(["Choose one of: active, disabled"]);
    expect(errors({ userName: "abc", status: "nope" }, "zh-CN").status).toEqual(["请从以下选项中选择：active、disabled"]);
    expect(errors({ userName: "abc", email: "not-mail" }, "en").email).toEqual(["Not a valid email address, e.g. name@example.com"]);
    const missing = tenantCreateInput.safeParse({});
    expect(missing.success).toBe(false);
    expect(fieldErrors(missing.error!, "en").name).toEqual(["This field is required"]);
    expect(fieldErrors(missing.error!, "zh-CN").name).toEqual(["此项必填"]);
    // A field left empty in a form (parsed with its input) is "required", once, not "too short"
    // or the format it would need, nor both.
    const empty = (schema: { safeParse: (v: unknown, p: { reportInput: boolean }) => { error?: unknown } }, input: unknown) =>
      fieldErrors(schema.safeParse(input, { reportInput: true }).error as Parameters<typeof fieldErrors>[0], "zh-CN");
    expect(empty(clientCreateInput, { name: "" }).name).toEqual(["此项必填"]);
    expect(empty(apiResourceCreateInput, { name: "", scopes: [] }).name).toEqual(["此项必填"]);
    expect(empty(tenantCreateInput, { name: "Acme", hosts: [""] })["hosts.0"]).toEqual(["此项必填"]);
    // A value that is there is told what is wrong with it.
    expect(empty(clientCreateInput, { name: "a" }).name).toEqual(["太短了：至少需要 2 个字符"]);
    // A field that may also be empty (a union with ""): the complaint is the value's, never
    // "Choose one of:" with nothing after it, whichever order the union lists its alternatives.
    const nul = "x\u0000y😀🎉";
    const withNul = tenantCreateInput.safeParse({ name: nul, background: nul });
    for (const locale of ["en", "zh-CN"] as const) {
      const e = fieldErrors(withNul.error!, locale);
      expect(e.background).toEqual(e.name);
      expect(e.background![0]).not.toMatch(/Choose one of|请从以下选项中选择/);
    }
    const notNumber = clientCreateInput.safeParse({ name: "abc", tokenLifetime: "soon" });
    expect(fieldErrors(notNumber.error!, "en").tokenLifetime).toEqual(["Enter a number"]);
    const tooSmall = clientCreateInput.safeParse({ name: "abc", tokenLifetime: 5 });
    expect(fieldErrors(tooSmall.error!, "zh-CN").tokenLifetime).toEqual(["不能小于 60"]);
    for (const locale of ["zh-CN", "en"] as const) {
      for (const list of [
        errors({ userName: "ab" }, locale),
        errors({ userName: "1abc" }, locale),
        fieldErrors(missing.error!, locale),
        fieldErrors(notNumber.error!, locale),
      ]) {
        for (const m of Object.values(list).flat()) expect(m).not.toMatch(/string|undefined|\^|\$|\/|期望|实际接收/);
      }
    }
  });
});
