import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, PERMISSIONS, hasPermission, isGrantable } from "~/lib/permissions";
import { intersectGrants } from "~/lib/permission-scope";
import { ERROR_TABLES, describeError, errorTable } from "~/lib/errors";
import { pickLocale, readCookie } from "~/i18n/locale";
import { tenantListInput, hostSchema } from "~/lib/validators/tenant";
import { fieldErrors } from "~/lib/validators/common";

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
    for (const table of Object.values(ERROR_TABLES)) {
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
