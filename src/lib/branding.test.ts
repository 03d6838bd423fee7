import { describe, expect, it } from "vitest";
import { backgroundCss, backgroundOf, brandOf, DEFAULT_PRIMARY, safeImageUrl } from "~/lib/branding";
import { tenantCreateInput } from "~/lib/validators/tenant";

describe("branding", () => {
  it("shows only https: images or our own files", () => {
    expect(safeImageUrl("https://cdn.example.com/logo.png")).toBe("https://cdn.example.com/logo.png");
    expect(safeImageUrl(" /api/files/abc_123.png ")).toBe("/api/files/abc_123.png");
    for (const bad of [
      "javascript:alert(1)",
      "JAVASCRIPT:alert(1)",
      "data:image/svg+xml,<svg onload=alert(1)>",
      "http://cdn.example.com/logo.png",
      "//evil.example/x.png",
      "https://user:pw@cdn.example.com/x.png",
      "/api/files/../../etc/passwd",
      "/api/files/a b",
      "vbscript:x",
      "",
      null,
    ])
      expect(safeImageUrl(bad), String(bad)).toBeNull();
  });

  it("takes colours only as #rgb / #rrggbb, and falls back to the product's look", () => {
    expect(brandOf({ name: "A", theme: "#C41D7F" }).primary).toBe("#C41D7F");
    expect(brandOf({ name: "A", theme: "not-a-color" }).primary).toBe(DEFAULT_PRIMARY);
    expect(brandOf({ name: "A", theme: "red; background:url(x)" }).primary).toBe(DEFAULT_PRIMARY);
    expect(brandOf({ name: "A", logo: "javascript:alert(1)" }).logo).toBeNull();
    expect(backgroundOf("#fff")).toEqual({ kind: "colour", value: "#fff" });
    expect(backgroundOf("https://x.example/bg.jpg")).toEqual({ kind: "image", url: "https://x.example/bg.jpg" });
    expect(backgroundOf("url(javascript:alert(1))")).toBeNull();
  });

  it("quotes an image address so it cannot end the CSS value", () => {
    const css = backgroundCss(backgroundOf('https://x.example/a")b;c\\d.jpg'));
    expect(css).toBe('center / cover no-repeat url("https://x.example/a%22)b;c/d.jpg")');
  });

  it("the tenant schema refuses a background the pages would not show, in words", () => {
    const base = { name: "Tenant", hosts: [] };
    expect(tenantCreateInput.safeParse({ ...base, background: "#f5f7fb" }).success).toBe(true);
    expect(tenantCreateInput.safeParse({ ...base, background: "" }).success).toBe(true);
    const bad = tenantCreateInput.safeParse({ ...base, background: "javascript:alert(1)" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ["background"], message: "uc:invalidBackground" });
  });
});
