import { describe, expect, it } from "vitest";
import { loadMessages } from "~/i18n/messages";

const keys = (o: unknown, prefix = ""): string[] =>
  o && typeof o === "object"
    ? Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => keys(v, `${prefix}${k}.`))
    : [prefix.slice(0, -1)];

describe("messages", () => {
  it("both languages have the same keys, none empty", async () => {
    const zh = await loadMessages("zh-CN");
    const en = await loadMessages("en");
    expect(keys(zh).sort()).toEqual(keys(en).sort());
    for (const m of [zh, en]) for (const k of keys(m)) expect(k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], m), k).not.toBe("");
  });
});
