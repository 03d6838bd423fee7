import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";
import { createCaller } from "~/server/api/root";
import { createContextInner } from "~/server/api/trpc";
import { decryptSecret } from "~/server/crypto";

const t = setupWorld();
let w: typeof t.w;
let env: { db: typeof t.db };
beforeAll(() => {
  w = t.w;
  env = { db: t.db };
});

const newTenant = (name: string, hosts: string[] = []) => ({ name, hosts, claims: [], properties: [] });

describe("tenant router", () => {
  it("lets an operator create, read, update, disable and delete a tenant", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    const created = await op.tenant.create({
      name: "Acme",
      status: "enabled",
      description: "First customer",
      hosts: ["Acme.Example.com", "acme.test"],
      claims: [
        { type: "website", value: "https://acme.example.com", isPublic: true },
        { type: "internal", value: "x", isPublic: false },
      ],
      properties: [
        { key: "wechat.appSecret", value: "s3cr3t-value", secret: true },
        { key: "website", value: "https://acme.example.com", secret: false },
      ],
    });
    expect(created.hosts).toEqual(["acme.example.com", "acme.test"]);
    const secret = created.properties.find((p) => p.key === "wechat.appSecret")!;
    expect(secret).toEqual({ key: "wechat.appSecret", secret: true, value: null, isSet: true });
    expect(JSON.stringify(created)).not.toContain("s3cr3t-value");

    const stored = await env.db.tenantProperty.findFirstOrThrow({ where: { tenantId: created.id, key: "wechat.appSecret" } });
    expect(stored.value).not.toContain("s3cr3t");
    expect(decryptSecret(stored.value)).toBe("s3cr3t-value");

    // Built-in roles come with every new tenant.
    const roles = await env.db.role.findMany({ where: { tenantId: created.id }, select: { name: true } });
    expect(roles.map((r) => r.name).sort()).toEqual(["administrator", "developer", "partner", "user"]);

    // Update without re-sending the secret keeps it; the plain property changes.
    const updated = await op.tenant.update({
      id: created.id,
      name: "Acme Corp",
      status: "enabled",
      hosts: ["acme.example.com"],
      claims: [],
      properties: [
        { key: "wechat.appSecret", value: null, secret: true },
        { key: "website", value: "https://acme.cn", secret: false },
      ],
    });
    expect(updated.name).toBe("Acme Corp");
    expect(updated.hosts).toEqual(["acme.example.com"]);
    const kept = await env.db.tenantProperty.findFirstOrThrow({ where: { tenantId: created.id, key: "wechat.appSecret" } });
    expect(decryptSecret(kept.value)).toBe("s3cr3t-value");
    expect(updated.properties.find((p) => p.key === "website")?.value).toBe("https://acme.cn");

    const disabled = await op.tenant.setStatus({ id: created.id, status: "disabled" });
    expect(disabled.status).toBe("disabled");
    await expect(op.tenant.delete({ id: created.id })).resolves.toEqual({ id: created.id });
    expect(await env.db.tenant.count({ where: { id: created.id } })).toBe(0);
    // Every step is in the audit log.
    const audit = await env.db.auditLog.findMany({ where: { recordId: created.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["tenant.create", "tenant.update", "tenant.status", "tenant.delete"]);
    expect(JSON.stringify(audit)).not.toContain("s3cr3t-value");
  });

  it("keeps a tenant's brand, and its pages see a change at once", async () => {
    const { tenantBrand } = await import("~/server/services/branding");
    const op = await w.callerFor(w.operator.id, w.platform);
    const created = await op.tenant.create({ ...newTenant("Branded"), theme: "#c41d7f", background: "#fff0f6", logo: "https://cdn.example/l.png" });
    expect(created).toMatchObject({ theme: "#c41d7f", background: "#fff0f6" });
    expect(await tenantBrand(env.db, created.id)).toEqual({
      name: "Branded",
      logo: "https://cdn.example/l.png",
      primary: "#c41d7f",
      background: { kind: "colour", value: "#fff0f6" },
    });
    const bad = await failure(() => op.tenant.update({ ...newTenant("Branded"), id: created.id, background: "url(javascript:alert(1))" }));
    expect(bad).toMatchObject({ appCode: 10003, fields: { background: [expect.stringContaining("https://")] } });
    await op.tenant.update({ ...newTenant("Branded"), id: created.id, background: "https://cdn.example/bg.jpg" });
    expect((await tenantBrand(env.db, created.id))?.background).toEqual({ kind: "image", url: "https://cdn.example/bg.jpg" });
    // A row an older version let in is shown as the product's own look, never as given.
    await env.db.tenant.update({ where: { id: created.id }, data: { theme: "not-a-color", logo: "javascript:alert(1)" } });
    (await import("~/server/services/branding")).forgetBrand(created.id);
    expect(await tenantBrand(env.db, created.id)).toMatchObject({ logo: null, primary: "#1d4ed8" });
  });

  it("refuses a host bound to another tenant with 409 and writes nothing", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    const before = await env.db.tenant.count();
    const f = await failure(() => op.tenant.create(newTenant("Clash", ["fresh.test", "b.test"])));
    expect(f).toMatchObject({ code: 11002, trpc: "CONFLICT" });
    expect(await env.db.tenant.count()).toBe(before);
    expect(await env.db.tenantHost.count({ where: { host: "fresh.test" } })).toBe(0);
  });

  it("answers bad input with 400 and field errors in the caller's language", async () => {
    const db = env.db;
    const actor = (await w.ctxFor(w.operator.id, w.platform)).actor;
    for (const [locale, expected] of [
      ["en", "Not a valid host name"],
      ["zh-CN", "主机名格式不正确"],
    ] as const) {
      const caller = createCaller(createContextInner({ db, tenant: w.platform, actor, locale }));
      const f = await failure(() => caller.tenant.create(newTenant("x", ["not a host!", "ok.test", "ok.test"])));
      expect(f.trpc).toBe("BAD_REQUEST");
      // The formatter is what turns this into `fields`; call it the way HTTP does.
      const { fieldErrors } = await import("~/lib/validators/common");
      const fields = fieldErrors(f.cause as import("zod").ZodError, locale);
      expect(fields["hosts.0"]?.[0]).toContain(expected);
      expect(fields.name?.length).toBe(1);
      expect(fields["hosts.2"]?.length).toBe(1);
    }
  });

  it("protects the default tenant", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    expect(await failure(() => op.tenant.delete({ id: w.platform.id }))).toMatchObject({ code: 11003, trpc: "CONFLICT" });
    expect(await failure(() => op.tenant.setStatus({ id: w.platform.id, status: "disabled" }))).toMatchObject({ code: 11003 });
  });

  it("lists with filters, sort, paging and a date range", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    for (const n of ["Zeta", "Alpha", "Mu"]) await op.tenant.create(newTenant(`List ${n}`, [`${n.toLowerCase()}.list.test`]));
    const byName = await op.tenant.list({ name: "list", orderby: "name", asc: true, take: 2 });
    expect(byName.total).toBe(3);
    expect(byName.items.map((t) => t.name)).toEqual(["List Alpha", "List Mu"]);
    const page2 = await op.tenant.list({ name: "list", orderby: "name", asc: true, take: 2, skip: 2 });
    expect(page2.items.map((t) => t.name)).toEqual(["List Zeta"]);
    const byHost = await op.tenant.list({ host: "MU.list" });
    expect(byHost.items.map((t) => t.name)).toEqual(["List Mu"]);
    const future = await op.tenant.list({ startTime: new Date(Date.now() + 86400_000) });
    expect(future.total).toBe(0);
    const fromQueryString = await op.tenant.list({ asc: "true", take: "1" as unknown as number, orderby: "name" });
    expect(fromQueryString.items).toHaveLength(1);
    expect(await failure(() => op.tenant.list({ take: 1000 }))).toMatchObject({ trpc: "BAD_REQUEST" });
  });

  it("shows anonymous callers only the public detail of the host's tenant", async () => {
    const anon = await w.callerFor(null, w.tenantB);
    await env.db.tenantClaim.createMany({
      data: [
        { tenantId: w.tenantB.id, type: "slogan", value: "hello", isPublic: true },
        { tenantId: w.tenantB.id, type: "secret-claim", value: "hidden", isPublic: false },
      ],
    });
    const pub = await anon.tenant.publicByHost({ host: "B.test" });
    expect(pub).toEqual({ id: w.tenantB.id, name: "Tenant B", logo: null, description: null, claims: [{ type: "slogan", value: "hello" }] });
    expect(await failure(() => anon.tenant.publicByHost({ host: "nowhere.test" }))).toMatchObject({ code: 10007, trpc: "NOT_FOUND" });
    const table = await anon.tenant.errorCodes();
    expect(table.map((e) => e.code)).toEqual(expect.arrayContaining([10001, 10002, 11001, 11002]));
  });
});

describe("guards", () => {
  const sampleId = "01900000-0000-7000-8000-000000000000";

  it("scopes a non-operator with tenant permissions to their own tenant (404 for others)", async () => {
    const mgr = await w.callerFor(w.managerB.id);
    const mine = await mgr.tenant.list({});
    expect(mine.items.map((t) => t.id)).toEqual([w.tenantB.id]);
    await expect(mgr.tenant.detail({ id: w.tenantB.id })).resolves.toMatchObject({ name: "Tenant B" });
    for (const call of [
      () => mgr.tenant.detail({ id: w.platform.id }),
      () => mgr.tenant.update({ id: w.platform.id, ...newTenant("Hijack") }),
      () => mgr.tenant.setStatus({ id: w.platform.id, status: "disabled" }),
      () => mgr.tenant.delete({ id: w.platform.id }),
    ]) {
      expect(await failure(call)).toMatchObject({ code: 11001, trpc: "NOT_FOUND" });
    }
    // Creating tenants is the platform's business, whatever a role says.
    expect(await failure(() => mgr.tenant.create(newTenant("Mine")))).toMatchObject({ trpc: "FORBIDDEN" });
  });

  it("refuses a session outside its own tenant's hosts", async () => {
    const ctx = await w.ctxFor(w.managerB.id, w.platform);
    expect(ctx.actor).toBeNull();
  });

  it("refuses cookie calls from another site", async () => {
    const ctx = await w.ctxFor(w.managerB.id, w.tenantB);
    const caller = createCaller({ ...ctx, crossSite: true });
    expect(await failure(() => caller.tenant.list({}))).toMatchObject({ code: 10006, trpc: "FORBIDDEN" });
    const bearer = createCaller({ ...ctx, crossSite: true, via: "bearer" });
    await expect(bearer.tenant.list({})).resolves.toBeTruthy();
  });

  it("answers unknown hosts with 10007", async () => {
    const caller = createCaller(createContextInner({ db: env.db, tenant: null }));
    expect(await failure(() => caller.tenant.list({}))).toMatchObject({ code: 10007, trpc: "NOT_FOUND" });
  });

  // Every guarded procedure, from the manifest: 401 anonymous, 403 without the permission.
  it("guards every non-public procedure", async () => {
    const { apiManifest } = await import("~/server/api/manifest");
    const anon = await w.callerFor(null);
    const nobody = await w.callerFor(w.nobodyB.id);
    const plain = await w.callerFor(w.plainB.id);
    const guarded = apiManifest().filter((p) => !p.public);
    expect(guarded.length).toBeGreaterThan(0);
    const call = (caller: typeof anon, path: string) => {
      const [router, proc] = path.split(".") as [string, string];
      const fn = (caller as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[router]![proc]!;
      return fn({ id: sampleId, locale: "en", ...newTenant("x") });
    };
    for (const p of guarded) {
      expect(p.permission, `${p.path} declares a permission`).toMatch(/^uc\.[a-z]+\.[a-z]+$/);
      expect(await failure(() => call(anon, p.path)), `${p.path} anonymous`).toMatchObject({ code: 10001, trpc: "UNAUTHORIZED" });
      expect(await failure(() => call(nobody, p.path)), `${p.path} without permission`).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
      if (!p.permission!.startsWith("uc.me.")) {
        expect(await failure(() => call(plain, p.path)), `${p.path} as plain user`).toMatchObject({ trpc: "FORBIDDEN" });
      }
    }
  });
});
