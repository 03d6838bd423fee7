import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { fieldErrors, isSafeUrl } from "~/lib/validators/common";
import { tenantCreateInput } from "~/lib/validators/tenant";
import { userCreateInput, userUpdateInput } from "~/lib/validators/user";
import { roleCreateInput } from "~/lib/validators/role";
import { apiResourceCreateInput, apiScopeCreateInput } from "~/lib/validators/api";
import { registerInput, changePasswordInput } from "~/lib/validators/auth";
import { sessionLabelInput } from "~/lib/validators/session";
import type { Locale } from "~/lib/errors";
import en from "~/i18n/messages/en/validation.json";
import zh from "~/i18n/messages/zh-CN/validation.json";

const LOCALES = ["zh-CN", "en"] as const;
const errorsOf = (schema: z.ZodType, input: unknown, locale: Locale) => {
  const r = schema.safeParse(input);
  return r.success ? {} : fieldErrors(r.error, locale);
};
/** What a person must never read in a field error: type names, zod's own words, a pattern. */
const DEVELOPER_TEXT = /\bstring\b|\bundefined\b|invalid input|expected \w+,|期望|实际接收|数值过|无效输入|\^|\$|\\[dws]|\[A-Z|\{\d|taken/i;

describe("URLs and colours (issue 12 item 3)", () => {
  const key = "AbCdEf0123456789_-xy";
  it("isSafeUrl: https addresses and our own files only", () => {
    for (const ok of ["https://cdn.example.com/logo.png", "HTTPS://EXAMPLE.COM/a?b=1#c", `/api/files/${key}`]) expect(isSafeUrl(ok), ok).toBe(true);
    for (const bad of [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      " javascript:alert(1)",
      "data:image/png;base64,AAAA",
      "http://example.com/a.png",
      "//evil.example.com/a.png",
      "/api/files/../../etc/passwd",
      "/api/files/short",
      `/api/files/${key}?x=1`,
      "/somewhere/else.png",
      "https://user:pw@example.com/a.png",
      "https://exa mple.com/a.png",
      "https://",
      "vbscript:msgbox(1)",
      "",
      null,
      undefined,
    ])
      expect(isSafeUrl(bad), String(bad)).toBe(false);
  });

  it("the tenant schema refuses a javascript: logo and a theme that is not a colour, in words, in both languages", () => {
    const bad = { name: "Acme", logo: "javascript:alert(1)", theme: "not-a-color" };
    expect(tenantCreateInput.safeParse(bad).success).toBe(false);
    expect(errorsOf(tenantCreateInput, bad, "en")).toEqual({
      logo: ["Use an https:// address or a file uploaded to the library"],
      theme: ["A colour is # and 3 or 6 hexadecimal digits, e.g. #1d4ed8"],
    });
    expect(errorsOf(tenantCreateInput, bad, "zh-CN")).toEqual({
      logo: ["请填写 https:// 开头的网址，或使用文件库中上传的文件"],
      theme: ["颜色为 # 加 3 位或 6 位十六进制数字，例如 #1d4ed8"],
    });
    for (const logo of ["http://example.com/a.png", "data:image/svg+xml,<svg/>", "//evil.example.com/a.png"])
      expect(tenantCreateInput.safeParse({ name: "Acme", logo }).success, logo).toBe(false);
    for (const theme of ["red", "#12", "#12345", "#1234567", "#ggg", "rgb(0,0,0)"])
      expect(tenantCreateInput.safeParse({ name: "Acme", theme }).success, theme).toBe(false);
  });

  it("the tenant schema takes https, our own files, #rgb and #rrggbb, and blanks to clear", () => {
    for (const v of [
      { logo: "https://cdn.example.com/logo.png", theme: "#1d4ed8" },
      { logo: `/api/files/${key}`, theme: "#FFF" },
      { logo: "", theme: "" },
      { logo: null, theme: null },
      {},
    ])
      expect(tenantCreateInput.safeParse({ name: "Acme", ...v }).success, JSON.stringify(v)).toBe(true);
    expect(tenantCreateInput.parse({ name: "Acme", logo: "  https://a.example.com/l.png ", theme: " #abc " })).toMatchObject({
      logo: "https://a.example.com/l.png",
      theme: "#abc",
    });
  });

  it("other pictures the console stores (user avatar, session label) have the same rule", () => {
    const id = "0195f0b6-8c2e-7a4b-9a1e-3c5d7e9f1a2b";
    for (const [schema, input] of [
      [userCreateInput, { userName: "alice" }],
      [userUpdateInput, { id }],
      [sessionLabelInput, { id }],
    ] as const) {
      expect(schema.safeParse({ ...input, avatar: "javascript:alert(1)" }).success).toBe(false);
      expect(schema.safeParse({ ...input, avatar: "http://example.com/a.png" }).success).toBe(false);
      expect(schema.safeParse({ ...input, avatar: "https://example.com/a.png" }).success).toBe(true);
      expect(schema.safeParse({ ...input, avatar: `/api/files/${key}` }).success).toBe(true);
      expect(schema.safeParse({ ...input, avatar: "" }).success).toBe(true);
    }
  });
});

describe("field errors are sentences (issue 12 item 7)", () => {
  const cases: { what: string; schema: z.ZodType; input: unknown; field: string; en: string; zh: string }[] = [
    {
      what: "user name with a digit first",
      schema: userCreateInput,
      input: { userName: "1abc" },
      field: "userName",
      en: "A user name starts with a letter and may contain letters, digits, _ . -",
      zh: "用户名以字母开头，只能包含字母、数字、_ . -",
    },
    {
      what: "user name with a space",
      schema: userCreateInput,
      input: { userName: "ali ce" },
      field: "userName",
      en: "A user name starts with a letter and may contain letters, digits, _ . -",
      zh: "用户名以字母开头，只能包含字母、数字、_ . -",
    },
    {
      what: "user name too short",
      schema: userCreateInput,
      input: { userName: "ab" },
      field: "userName",
      en: "A user name is 3 to 32 characters",
      zh: "用户名长度为 3 到 32 个字符",
    },
    {
      what: "user name at registration",
      schema: registerInput,
      input: { userName: "-x-" },
      field: "userName",
      en: "A user name starts with a letter and may contain letters, digits, _ . -",
      zh: "用户名以字母开头，只能包含字母、数字、_ . -",
    },
    {
      what: "no user name, phone or email",
      schema: userCreateInput,
      input: {},
      field: "userName",
      en: "Enter a user name, a phone number or an email address",
      zh: "用户名、手机号、邮箱至少填写一项",
    },
    {
      what: "role name with a symbol",
      schema: roleCreateInput,
      input: { name: "ops<admin>" },
      field: "name",
      en: "A role name may contain letters, digits, spaces and _ . -",
      zh: "角色名只能包含文字、数字、空格和 _ . -",
    },
    {
      what: "role name too short",
      schema: roleCreateInput,
      input: { name: "a" },
      field: "name",
      en: "A role name is 2 to 64 characters",
      zh: "角色名长度为 2 到 64 个字符",
    },
    {
      what: "role name missing",
      schema: roleCreateInput,
      input: {},
      field: "name",
      en: "This field is required",
      zh: "此项必填",
    },
    {
      what: "API resource name with a space",
      schema: apiResourceCreateInput,
      input: { name: "my api" },
      field: "name",
      en: "A name may contain letters, digits and . _ : - only (no spaces)",
      zh: "名称只能包含字母、数字和 . _ : -，不能有空格",
    },
    {
      what: "API scope claim with a space",
      schema: apiScopeCreateInput,
      input: { name: "orders.read", claims: ["a b"] },
      field: "claims.0",
      en: "A claim type may contain letters, digits and . _ : / - only (no spaces)",
      zh: "声明类型只能包含字母、数字和 . _ : / -，不能有空格",
    },
    {
      what: "phone without country code",
      schema: userCreateInput,
      input: { phone: "15810419011" },
      field: "phone",
      en: "A phone number is the country code, a dash and the number, e.g. +86-15810419011",
      zh: "手机号格式为“国家码-号码”，例如 +86-15810419011",
    },
    {
      what: "email without @",
      schema: userCreateInput,
      input: { email: "alice.example.com" },
      field: "email",
      en: "Not a valid email address, e.g. name@example.com",
      zh: "邮箱格式不正确，例如 name@example.com",
    },
    {
      what: "password too short",
      schema: changePasswordInput,
      input: { current: "x", password: "short" },
      field: "password",
      en: "A password is 8 to 128 characters",
      zh: "密码需 8 到 128 个字符",
    },
    {
      what: "current password missing",
      schema: changePasswordInput,
      input: { password: "long enough pass" },
      field: "current",
      en: "This field is required",
      zh: "此项必填",
    },
    {
      what: "tenant name too short",
      schema: tenantCreateInput,
      input: { name: "a" },
      field: "name",
      en: "Too short: use at least 2 characters",
      zh: "太短了：至少需要 2 个字符",
    },
    {
      what: "tenant name too long",
      schema: tenantCreateInput,
      input: { name: "x".repeat(65) },
      field: "name",
      en: "Too long: use at most 64 characters",
      zh: "太长了：最多 64 个字符",
    },
  ];
  for (const c of cases)
    it(c.what, () => {
      expect(errorsOf(c.schema, c.input, "en")[c.field]).toEqual([c.en]);
      expect(errorsOf(c.schema, c.input, "zh-CN")[c.field]).toEqual([c.zh]);
      for (const locale of LOCALES) for (const m of Object.values(errorsOf(c.schema, c.input, locale)).flat()) expect(m, m).not.toMatch(DEVELOPER_TEXT);
    });

  it("no field message, in either language, carries a pattern, a type name or 'taken'; both languages have the same keys", () => {
    const flat = (o: object, prefix = ""): [string, string][] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === "string" ? [[`${prefix}${k}`, v] as [string, string]] : flat(v as object, `${prefix}${k}.`)));
    const enFlat = flat(en);
    const zhFlat = flat(zh);
    expect(zhFlat.map(([k]) => k).sort()).toEqual(enFlat.map(([k]) => k).sort());
    for (const [k, v] of [...enFlat, ...zhFlat]) expect(v, k).not.toMatch(DEVELOPER_TEXT);
    // The Chinese messages are Chinese: not one English word of three letters or more outside examples.
    for (const [k, v] of zhFlat)
      expect(
        v.replace(
          /[\w.+-]+@[\w.-]+|https?:\/\/\S*|\{[^}]*\}|#[0-9a-f]+|\b(?:API|ID|PNG|base64|bcrypt|NUL|YYYY-MM-DD|OpenAPI|Swagger|JSON|YAML|openapi|swagger|localhost|http|https)\b|[\w-]+(?:\.[\w-]+)+|[\w:.-]*\d[\w:.-]*/gi,
          "",
        ),
        k,
      ).not.toMatch(/[A-Za-z]{3,}/);
  });
});
