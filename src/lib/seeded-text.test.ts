import { beforeAll, describe, expect, it } from "vitest";
import { setupWorld } from "~/test/fixtures";
import { BUILT_IN_ROLES } from "~/lib/permissions";
import { STANDARD_IDENTITY_RESOURCES } from "~/lib/validators/values";
import {
  DEFAULT_TENANT_TEXT,
  OPERATOR_TEXT,
  identityText,
  localizeSeeded,
  roleDescription,
  roleLabel,
  seededNickname,
  tenantDescription,
} from "~/lib/seeded-text";

const t = setupWorld();
let db: typeof t.db;
beforeAll(() => {
  db = t.db;
});

describe("seeded display texts", () => {
  it("every seeded text has both languages, and they differ where a word needs translating", () => {
    const texts = [
      ...Object.values(BUILT_IN_ROLES).flatMap((r) => [r.label, r.description]),
      ...STANDARD_IDENTITY_RESOURCES.flatMap((r) => [r.displayName, r.description]),
      DEFAULT_TENANT_TEXT.description,
      OPERATOR_TEXT.nickname,
    ];
    for (const x of texts) {
      expect(x.en.trim()).not.toBe("");
      expect(x["zh-CN"].trim()).not.toBe("");
      if (x.en !== "OpenID") expect(x["zh-CN"]).not.toBe(x.en);
    }
  });

  it("shows what the seed wrote in the viewer's language: roles, identity resources, the default tenant, the operator", async () => {
    const tenant = await db.tenant.findFirstOrThrow({ where: { isDefault: true } });
    const roles = await db.role.findMany({ where: { tenantId: tenant.id, builtIn: true }, orderBy: { name: "asc" } });
    const operator = await db.user.findFirstOrThrow({ where: { tenantId: tenant.id, isOperator: true } });
    const identities = await db.identityResource.findMany({ where: { tenantId: tenant.id, standard: true } });

    // The database keeps the English the seed wrote, so nothing existing needs migrating.
    expect(tenant.description).toBe(DEFAULT_TENANT_TEXT.description.en);
    expect(operator.nickname).toBe("Platform operator");
    const admin = roles.find((r) => r.name === "administrator")!;
    expect(admin.description).toBe("Manages the whole tenant");

    expect(roleLabel(admin, "zh-CN")).toBe("管理员 (administrator)");
    expect(roleLabel(admin, "en")).toBe("administrator");
    expect(roleDescription(admin, "zh-CN")).toBe("管理整个租户");
    expect(roleDescription(admin, "en")).toBe("Manages the whole tenant");
    for (const r of roles) expect(roleDescription(r, "zh-CN")).toBe(BUILT_IN_ROLES[r.name as keyof typeof BUILT_IN_ROLES].description["zh-CN"]);

    const email = identities.find((r) => r.name === "email")!;
    expect(identityText(email, "displayName", email.displayName, "zh-CN")).toBe("邮箱");
    expect(identityText(email, "description", email.description, "zh-CN")).toBe("你的邮箱地址");
    expect(identityText(email, "description", email.description, "en")).toBe("Your email address");

    expect(tenantDescription(tenant, "zh-CN")).toBe("平台自身的租户：平台控制台位于此处。");
    expect(seededNickname(operator.nickname, "zh-CN")).toBe("平台管理员");
    expect(seededNickname(operator.nickname, "en")).toBe("Platform operator");
  });

  it("keeps what an administrator wrote; a seeded text saved back in Chinese still follows the viewer", () => {
    const admin = { name: "administrator", description: "Runs the Shanghai office" };
    expect(roleDescription(admin, "zh-CN")).toBe("Runs the Shanghai office");
    expect(roleDescription({ name: "administrator", description: "管理整个租户" }, "en")).toBe("Manages the whole tenant");
    expect(roleDescription({ name: "administrator", description: null }, "zh-CN")).toBeNull();
    // Only the row the text was seeded on: a custom role or identity resource with the same words is left alone.
    expect(roleDescription({ name: "auditor", description: "Manages the whole tenant" }, "zh-CN")).toBe("Manages the whole tenant");
    expect(roleLabel({ name: "auditor" }, "zh-CN")).toBe("auditor");
    expect(identityText({ name: "email", standard: false }, "displayName", "Email", "zh-CN")).toBe("Email");
    expect(identityText({ name: "email", standard: true }, "displayName", "Mail address", "zh-CN")).toBe("Mail address");
    expect(tenantDescription({ isDefault: false, description: DEFAULT_TENANT_TEXT.description.en }, "zh-CN")).toBe(DEFAULT_TENANT_TEXT.description.en);
    expect(seededNickname("Ops team", "zh-CN")).toBe("Ops team");
    expect(localizeSeeded(undefined, OPERATOR_TEXT.nickname, "zh-CN")).toBeUndefined();
  });
});
