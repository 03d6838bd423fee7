import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

const t = setupWorld();
let w: typeof t.w;

beforeAll(() => {
  w = t.w;
});

describe("API products", () => {
  it("bundles the tenant's API versions, refuses others' versions and duplicate names, and audits every change", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const api = await admin.apiResource.create({ name: "catalog" });
    const v1 = await admin.apiPublish.createVersion({ id: api.id, name: "v1" });
    const v2 = await admin.apiPublish.createVersion({ id: api.id, name: "v2" });
    const product = await admin.apiProduct.create({
      name: "catalog-basic",
      displayName: "Catalog",
      versionIds: [v1.id, v2.id, v1.id],
      requestLimit: 600,
      published: true,
    });
    expect(product).toMatchObject({ name: "catalog-basic", published: true, approvalRequired: false, requestLimit: 600 });
    expect(product.versions.map((v) => `${v.apiName} ${v.versionName}`)).toEqual(["catalog v1", "catalog v2"]);
    expect(product.versionIds).toHaveLength(2);
    expect(await failure(() => admin.apiProduct.create({ name: "catalog-basic" }))).toMatchObject({ code: 300023, trpc: "CONFLICT" });

    // Another tenant's version cannot be bundled, and that tenant never sees this product.
    const adminA = await w.makeUser(w.platform.id, "product-admin-a", ["administrator"]);
    const a = await w.callerFor(adminA.id, w.platform);
    const apiA = await a.apiResource.create({ name: "catalog-a" });
    const vA = await a.apiPublish.createVersion({ id: apiA.id, name: "v1" });
    expect(await failure(() => admin.apiProduct.update({ id: product.id, name: "catalog-basic", versionIds: [vA.id] }))).toMatchObject({ code: 300024 });
    expect(await failure(() => a.apiProduct.detail({ id: product.id }))).toMatchObject({ code: 300022, trpc: "NOT_FOUND" });
    expect(await failure(() => a.apiProduct.delete({ id: product.id }))).toMatchObject({ code: 300022 });
    expect((await a.apiProduct.list({})).items.map((p) => p.id)).not.toContain(product.id);
    expect((await a.apiProduct.versionOptions({})).map((v) => v.id)).toEqual([vA.id]);

    // The API lists the products bundling it; a product's versions follow deletions.
    expect((await admin.apiPublish.products({ id: api.id })).map((p) => p.name)).toEqual(["catalog-basic"]);
    const edited = await admin.apiProduct.update({ id: product.id, name: "catalog-basic", versionIds: [v2.id], approvalRequired: true });
    expect(edited).toMatchObject({ approvalRequired: true, requestLimit: null, published: false });
    const list = await admin.apiProduct.list({ name: "catalog" });
    expect(list.items.map((p) => p.name)).toEqual(["catalog-basic"]);
    await admin.apiResource.delete({ id: api.id });
    expect((await admin.apiProduct.detail({ id: product.id })).versions).toEqual([]);

    await admin.apiProduct.delete({ id: product.id });
    const audit = await t.db.auditLog.findMany({ where: { recordId: product.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((x) => x.action)).toEqual(["apiproduct.create", "apiproduct.update", "apiproduct.delete"]);
  });

  it("checks its fields and its permissions", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const bad = await failure(() => admin.apiProduct.create({ name: "has space", requestLimit: 0 }));
    expect(bad.appCode).toBe(10003);
    expect(Object.keys(bad.fields ?? {}).sort()).toEqual(["name", "requestLimit"]);
    const dev = await w.makeUser(w.tenantB.id, "product-dev", ["developer"]);
    const d = await w.callerFor(dev.id);
    expect((await d.apiProduct.list({})).total).toBeGreaterThanOrEqual(0);
    expect(await failure(() => d.apiProduct.create({ name: "dev-product" }))).toMatchObject({ trpc: "FORBIDDEN" });
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.apiProduct.list({}))).toMatchObject({ trpc: "FORBIDDEN" });
    expect(await failure(async () => (await w.callerFor(null)).apiProduct.list({}))).toMatchObject({ trpc: "UNAUTHORIZED" });
  });
});
