import { describe, expect, it } from "vitest";
import type { FormInstance } from "antd";
import { clearErrorsOnChange, schemaRule } from "~/components/form-errors";
import { phoneSchema, userNameSchema } from "~/lib/validators/common";
import { codeSchema, newPasswordSchema } from "~/lib/validators/auth";

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
  function fakeForm(errors: { name: (string | number)[]; errors: string[] }[]) {
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
    const { form, cleared } = fakeForm([
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
