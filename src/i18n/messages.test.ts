import { describe, expect, it } from "vitest";
import { loadMessages } from "~/i18n/messages";

const keys = (o: unknown, prefix = ""): string[] =>
  o && typeof o === "object" ? Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => keys(v, `${prefix}${k}.`)) : [prefix.slice(0, -1)];

describe("messages", () => {
  it("both languages have the same keys, none empty", async () => {
    const zh = await loadMessages("zh-CN");
    const en = await loadMessages("en");
    expect(keys(zh).sort()).toEqual(keys(en).sort());
    for (const m of [zh, en])
      for (const k of keys(m))
        expect(
          k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], m),
          k,
        ).not.toBe("");
  });
});

describe("the shared namespaces (errors, permission names, field messages)", () => {
  it("are part of every page's messages, with the same keys in both languages, and every message formats", async () => {
    const { CATALOG, SHARED_NAMESPACES, translator } = await import("~/i18n/catalog");
    for (const locale of ["zh-CN", "en"] as const) {
      const all = await loadMessages(locale);
      for (const ns of SHARED_NAMESPACES) {
        expect(all[ns]).toBe(CATALOG[locale][ns]);
        const t = translator(locale, ns);
        // Placeholders get a number, so plurals format too; a broken ICU message throws here.
        for (const key of keys(CATALOG[locale][ns]))
          expect(
            t(key, {
              min: 3,
              max: 9,
              n: 2,
              divisor: 5,
              options: "a, b",
              keys: "x",
              resource: "R",
              action: "a",
              tenant: "T",
              purpose: "p",
              code: "123456",
              name: "N",
              types: "a, b",
              line: 2,
              minutes: 5,
              app: "A",
              user: "U",
              api: "A",
              email: "e@x.test",
              link: "https://x.test/l",
              version: "v1",
              revision: 2,
              notes: "N",
              changes: "+ GET /x",
              unsubscribe: "https://x.test/u",
            }),
            `${ns}.${key}`,
          ).not.toBe("");
      }
    }
    expect(keys(CATALOG["zh-CN"]).sort()).toEqual(keys(CATALOG.en).sort());
    expect(translator("en", "validation")("issue.minChars", { min: 1 })).toBe("Too short: use at least 1 character");
    expect(keys(CATALOG.en.appErrors)).toContain("10011.name");
  });
});
