import { describe, expect, it } from "vitest";
import type { FormInstance } from "antd";
import { clearErrorsOnChange, parseForm, schemaRule, showFieldErrors } from "~/components/form-errors";
import { clientCreateInput } from "~/lib/validators/client";
import { phoneSchema, userNameSchema } from "~/lib/validators/common";
import { codeSchema, newPasswordSchema } from "~/lib/validators/auth";
/** The part of antd's FormInstance that showFieldErrors reads and writes, over plain values. */
function fakeForm(fields: (string | number)[][], values: Record<string, unknown>) {
  const set: { name: (string | number)[]; errors: string[] }[] = [];
  const form = {
    getFieldsError: () => fields.map((name) => ({ name, errors: [], warnings: [] })),
    getFieldValue: (path: (string | number)[]) => path.reduce<unknown>((o, p) => (o as Record<string | number, unknown> | undefined)?.[p], values),
    setFields: (f: typeof set) => set.push(...f),
  } as unknown as FormInstance;
  return { form, set };
}

describe("showFieldErrors", () => {
  it("puts an item's error on its list's field (a tags input), naming the item", () => {
    const { form, set } = fakeForm([["name"], ["redirectUris"]], { redirectUris: ["https://ok.example/cb", "not a url", "ftp://x"] });
    const unplaced = showFieldErrors(form, { "redirectUris.1": ["Not a URL"], "redirectUris.2": ["Not a URL"], name: ["Required"] });
    expect(unplaced).toEqual([]);
    expect(set).toEqual([
      { name: ["redirectUris"], errors: ["“not a url”: Not a URL", "“ftp://x”: Not a URL"] },
      { name: ["name"], errors: ["Required"] },
    ]);
  });

  it("keeps errors on fields of their own (Form.List rows), and answers what no field can show", () => {
    const { form, set } = fakeForm(
      [
        ["hosts", 0],
        ["hosts", 1],
      ],
      { hosts: ["a.test", "bad host!"] },
    );
    expect(showFieldErrors(form, { "hosts.1": ["Not a host"], _: ["Whole form"], other: ["Nowhere"] })).toEqual(["Whole form", "Nowhere"]);
    expect(set).toEqual([{ name: ["hosts", 1], errors: ["Not a host"] }]);
  });

  it("parseForm with the procedure's schema: 'not a url' is refused, on the field, by name", () => {
    const values = { name: "My client", grantTypes: ["client_credentials"], scopes: [], redirectUris: ["not a url"], corsOrigins: [] };
    const { form, set } = fakeForm([["name"], ["redirectUris"], ["corsOrigins"]], values);
    let rest: string[] = [];
    expect(parseForm(form, clientCreateInput, values, "en", (m) => (rest = m))).toBeNull();
    expect(rest).toEqual([]);
    expect(set).toHaveLength(1);
    expect(set[0]!.name).toEqual(["redirectUris"]);
    expect(set[0]!.errors[0]).toMatch(/^“not a url”: /);
  });

  it("names a long item by its first characters only", () => {
    const long = `https://${"a".repeat(5000)}`;
    const values = { name: "My client", grantTypes: ["client_credentials"], scopes: [], redirectUris: [`${long} x`], corsOrigins: [] };
    const { form, set } = fakeForm([["name"], ["redirectUris"], ["corsOrigins"]], values);
    expect(parseForm(form, clientCreateInput, values, "en")).toBeNull();
    const error = set[0]!.errors[0]!;
    expect(error.length).toBeLessThan(120);
    expect(error).toMatch(/^“https:\/\/a{29}…”: /);
  });
});

type Validator = (rule: unknown, value: unknown) => Promise<void>;
const check = (rule: ReturnType<typeof schemaRule>, value: unknown) =>
  ((rule as { validator: Validator }).validator({}, value) as Promise<void>).then(
    () => null,
    (e: Error) => e.message,
  );

describe("schemaRule: the browser's field check is the shared schema's, in words", () => {
  it("says what is wrong and what is allowed, in the page's language", async () => {
    expect(await check(schemaRule(userNameSchema, "zh-CN"), "1abc")).toBe("用户名以字母开头，只能包含字母、数字、_ . -");
    expect(await check(schemaRule(userNameSchema, "en"), "1abc")).toBe("A user name starts with a letter and may contain letters, digits, _ . -");
    expect(await check(schemaRule(phoneSchema, "zh-CN", { required: true }), "13912340000")).toBe("手机号格式为“国家码-号码”，例如 +86-15810419011");
    expect(await check(schemaRule(codeSchema, "en", { required: true }), "12a")).toBe("The code is the 6 digits you received");
    expect(await check(schemaRule(newPasswordSchema, "zh-CN", { required: true }), "short")).toBe("密码需 8 到 128 个字符");
  });

  it("blank is 'required' only when the field is, and a good value passes", async () => {
    expect(await check(schemaRule(phoneSchema, "zh-CN", { required: true }), "")).toBe("此项必填");
    expect(await check(schemaRule(phoneSchema, "en", { required: true }), undefined)).toBe("This field is required");
    expect(await check(schemaRule(userNameSchema, "en"), "")).toBeNull();
    expect(await check(schemaRule(userNameSchema, "en"), "alice")).toBeNull();
    expect(await check(schemaRule(phoneSchema, "en", { required: true }), "+86-13912340000")).toBeNull();
  });
});

describe("clearErrorsOnChange: a field's errors go when its value changes", () => {
  function errorForm(errors: { name: (string | number)[]; errors: string[] }[]) {
    const cleared: (string | number)[][] = [];
    const form = {
      getFieldsError: () => errors.map((e) => ({ ...e, warnings: [] })),
      setFields: (fields: { name: (string | number)[]; errors: string[] }[]) => {
        for (const f of fields) cleared.push(f.name);
      },
    } as unknown as FormInstance;
    return { form, cleared };
  }

  it("clears the changed field only, nested rows and the list holding them included", () => {
    const { form, cleared } = errorForm([
      { name: ["userName"], errors: ["bad"] },
      { name: ["phone"], errors: ["bad"] },
      { name: ["hosts", 1], errors: ["bad"] },
      { name: ["hosts"], errors: ["too many"] },
      { name: ["claims", 0, "type"], errors: ["bad"] },
      { name: ["email"], errors: [] },
    ]);
    clearErrorsOnChange(form)({ userName: "alice" });
    expect(cleared).toEqual([["userName"]]);
    cleared.length = 0;
    // antd's changedValues for a row: a sparse array up to the edited index.
    const hosts: string[] = [];
    hosts[1] = "b.example.com";
    clearErrorsOnChange(form)({ hosts });
    expect(cleared).toEqual([["hosts", 1], ["hosts"]]);
    cleared.length = 0;
    clearErrorsOnChange(form)({ claims: [] });
    expect(cleared).toEqual([["claims", 0, "type"]]);
    cleared.length = 0;
    // A value that is an object but not plain (a date picker's dayjs) is one leaf.
    clearErrorsOnChange(form)({ phone: new Date() });
    expect(cleared).toEqual([["phone"]]);
  });
});
