import { describe, expect, it } from "vitest";
import { fieldErrors } from "~/lib/validators/common";
import { messageTemplateUpdateInput, looksLikeHtml } from "~/lib/validators/message-template";
import { defaultTemplate, placeholders, renderTemplate, smsSegments, TEMPLATE_LOCALES, unknownVariables, usedVariables } from "~/lib/message-templates";

const sms = { purpose: "login", channel: "sms", locale: "zh-CN" } as const;
const email = { purpose: "reset", channel: "email", locale: "en" } as const;
const errors = (input: unknown, locale: "en" | "zh-CN" = "en") => {
  const r = messageTemplateUpdateInput.safeParse(input);
  return r.success ? null : fieldErrors(r.error, locale);
};

describe("message template schema", () => {
  it("accepts the built-in texts in both languages, and trims", () => {
    for (const locale of TEMPLATE_LOCALES) {
      const d = defaultTemplate("email", locale);
      expect(errors({ ...sms, locale, body: defaultTemplate("sms", locale).body })).toBeNull();
      expect(errors({ ...email, locale, subject: d.subject, body: d.body })).toBeNull();
    }
    const r = messageTemplateUpdateInput.parse({ ...sms, body: "  验证码 {code}  ", aliyunTemplateCode: " SMS_1 " });
    expect(r).toMatchObject({ body: "验证码 {code}", aliyunTemplateCode: "SMS_1" });
  });

  it("refuses an unknown variable and a text without {code}, in both languages", () => {
    expect(errors({ ...sms, body: "{code} for {user}" })).toEqual({ body: ["Unknown variable: only {code}, {minutes}, {tenant} and {purpose} may be used"] });
    expect(errors({ ...sms, body: "{code} 给 {用户}" }, "zh-CN")).toEqual({ body: ["有未知的变量：只能使用 {code}、{minutes}、{tenant} 和 {purpose}"] });
    expect(errors({ ...sms, body: "Your code: {Code}" })).toEqual({
      body: ["Unknown variable: only {code}, {minutes}, {tenant} and {purpose} may be used", "The text must contain {code}, where the code goes"],
    });
    expect(errors({ ...sms, body: "验证码 {minutes} 分钟内有效" }, "zh-CN")).toEqual({ body: ["内容必须包含 {code}（验证码的位置）"] });
    expect(errors({ ...email, subject: "Hi {name}", body: "{code}" })).toEqual({
      subject: ["Unknown variable: only {code}, {minutes}, {tenant} and {purpose} may be used"],
    });
  });

  it("holds an SMS to 3 messages with sample values, and refuses HTML in email", () => {
    // 201 characters is three 67-character parts; one more is a fourth.
    expect(errors({ ...sms, body: `{code}${"字".repeat(201 - 6)}` })).toBeNull();
    expect(errors({ ...sms, body: `{code}${"字".repeat(202 - 6)}` })).toEqual({
      body: ["Too long: with sample values the SMS would need more than 3 messages"],
    });
    expect(errors({ ...email, subject: "Code", body: "<b>{code}</b>" })).toEqual({ body: ["Emails are sent as plain text: remove the HTML tags"] });
    expect(errors({ ...email, subject: "<script>x</script>", body: "{code}" }, "zh-CN")).toEqual({
      subject: ["邮件以纯文本发送，请删除其中的网页标签（尖括号标记）"],
    });
    expect(errors({ ...email, subject: "", body: "{code}" })).toEqual({ subject: ["This field is required"] });
    // A lone "<" in plain text is not a tag.
    expect(errors({ ...email, subject: "Code < 5 min", body: "{code}, a < b" })).toBeNull();
    expect(looksLikeHtml("<a href=x>")).toBe(true);
  });

  it("refuses huge inputs, control characters, odd provider codes and unknown keys' values", () => {
    expect(Object.keys(errors({ ...email, subject: "x".repeat(201), body: "{code}" })!)).toEqual(["subject"]);
    expect(Object.keys(errors({ ...email, subject: "s", body: `{code}${"x".repeat(5000)}` })!)).toEqual(["body"]);
    expect(Object.keys(errors({ ...sms, body: `{code}${"x".repeat(600)}` })!)).toEqual(["body"]);
    expect(Object.keys(errors({ ...sms, body: "{code}\u0000" })!)).toEqual(["body"]);
    expect(errors({ ...sms, body: "{code}", tencentTemplateId: "12 34" })).toEqual({
      tencentTemplateId: ["Only letters, digits, _ and -, e.g. SMS_123456789 or 1234567"],
    });
    expect(Object.keys(errors({ ...sms, purpose: "other", locale: "fr", body: "{code}" })!).sort()).toEqual(["locale", "purpose"]);
  });
});

describe("rendering and counting", () => {
  it("replaces known variables only, and lists them in order of first appearance", () => {
    const values = { code: "123456", minutes: "5", tenant: "B", purpose: "登录" };
    expect(renderTemplate("【{tenant}】{code}/{code} {x} {minutes}", values)).toBe("【B】123456/123456 {x} 5");
    expect(placeholders("{minutes} {code} {x} {code}")).toEqual(["minutes", "code", "x"]);
    expect(usedVariables("{minutes} {code} {x}")).toEqual(["minutes", "code"]);
    expect(unknownVariables("{minutes} {code} {x}")).toEqual(["x"]);
  });

  it("counts SMS parts as carriers bill them: 70 in one, 67 per part beyond", () => {
    expect(smsSegments("")).toBe(0);
    expect(smsSegments("字".repeat(70))).toBe(1);
    expect(smsSegments("字".repeat(71))).toBe(2);
    expect(smsSegments("a".repeat(134))).toBe(2);
    expect(smsSegments("a".repeat(135))).toBe(3);
    expect(smsSegments("😀".repeat(70))).toBe(1);
  });
});
