import { describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

const t = setupWorld();

const NPM = {
  name: "@orders/client",
  description: "Typed client for the Orders API",
  publisher: "Orders team",
  link: "https://www.npmjs.com/package/@orders/client",
  icon: "https://static.example.com/npm.png",
  platform: "npm" as const,
  language: "TypeScript",
  order: 2,
  tags: ["official", "official", "typescript"],
};

describe("API package market", () => {
  it("creates, lists in order, edits and deletes packages, with audit entries", async () => {
    const { w } = t;
    const admin = await w.callerFor(w.managerB.id);
    const api = await admin.apiResource.create({ name: "orders-pkg" });
    const npm = await admin.apiPackage.create({ apiResourceId: api.id, ...NPM });
    expect(npm).toMatchObject({ ...NPM, tags: ["official", "typescript"], apiResourceId: api.id });
    const postman = await admin.apiPackage.create({
      apiResourceId: api.id,
      name: "Orders collection",
      link: "https://www.postman.com/orders",
      platform: "postman",
      icon: "",
    });
    expect(postman).toMatchObject({ description: null, publisher: null, icon: null, language: null, order: 0, tags: [] });
    expect((await admin.apiPackage.list({ id: api.id })).map((p) => p.name)).toEqual(["Orders collection", "@orders/client"]);

    const edited = await admin.apiPackage.update({ id: npm.id, ...NPM, order: 0, description: "", tags: ["beta"] });
    expect(edited).toMatchObject({ order: 0, description: null, tags: ["beta"] });
    expect((await admin.apiPackage.list({ id: api.id })).map((p) => p.name)).toEqual(["@orders/client", "Orders collection"]);

    // The same name on the same platform clashes; on another platform it does not.
    expect(await failure(() => admin.apiPackage.create({ apiResourceId: api.id, ...NPM }))).toMatchObject({
      code: 300006,
      fields: { name: [expect.any(String)] },
    });
    await admin.apiPackage.create({ apiResourceId: api.id, ...NPM, platform: "nuget" });
    expect(await failure(() => admin.apiPackage.update({ id: postman.id, ...NPM }))).toMatchObject({ code: 300008 });

    expect(await admin.apiPackage.delete({ id: postman.id })).toEqual({ id: postman.id });
    expect(await failure(() => admin.apiPackage.delete({ id: postman.id }))).toMatchObject({ code: 300030, trpc: "NOT_FOUND" });
    const actions = (
      await t.db.auditLog.findMany({ where: { recordId: { in: [npm.id, postman.id] } }, select: { action: true }, orderBy: { createdAt: "asc" } })
    ).map((a) => a.action);
    expect(actions.sort()).toEqual(["apiresource.deletepackage", "apiresource.postpackages", "apiresource.postpackages", "apiresource.putpackages"]);
  });

  it("takes only https links and safe icons", async () => {
    const { w } = t;
    const admin = await w.callerFor(w.managerB.id);
    const api = await admin.apiResource.create({ name: "orders-pkg-urls" });
    for (const link of [
      "javascript:alert(1)",
      "http://www.npmjs.com/package/x",
      "data:text/html,hi",
      "/api/files/abcdefgh12",
      "https://user:pw@example.com/x",
    ]) {
      const f = await failure(() => admin.apiPackage.create({ apiResourceId: api.id, ...NPM, link }));
      expect(f, link).toMatchObject({ appCode: 10003, fields: { link: ["Use an https:// address"] } });
    }
    const icon = await failure(() => admin.apiPackage.create({ apiResourceId: api.id, ...NPM, icon: "javascript:alert(1)" }));
    expect(icon).toMatchObject({ appCode: 10003, fields: { icon: [expect.any(String)] } });
    const platform = await failure(() => admin.apiPackage.create({ apiResourceId: api.id, ...NPM, platform: "pypi" as "npm" }));
    expect(platform).toMatchObject({ appCode: 10003, fields: { platform: [expect.any(String)] } });
    expect(await admin.apiPackage.list({ id: api.id })).toEqual([]);
  });

  it("keeps packages to the API's tenant and, for developers, to the APIs they own (401/403/404)", async () => {
    const { w } = t;
    const admin = await w.callerFor(w.managerB.id);
    const api = await admin.apiResource.create({ name: "orders-pkg-acl" });
    const pkg = await admin.apiPackage.create({ apiResourceId: api.id, ...NPM });

    expect(await failure(async () => (await w.callerFor(null)).apiPackage.list({ id: api.id }))).toMatchObject({ code: 10001 });
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.apiPackage.list({ id: api.id }))).toMatchObject({ code: 10002 });
    expect(await failure(() => plain.apiPackage.create({ apiResourceId: api.id, ...NPM, name: "x" }))).toMatchObject({ code: 10002 });

    const adminA = await w.callerFor((await w.makeUser(w.platform.id, "pkg-admin-a", ["administrator"])).id, w.platform);
    expect(await failure(() => adminA.apiPackage.list({ id: api.id }))).toMatchObject({ code: 18001, trpc: "NOT_FOUND" });
    expect(await failure(() => adminA.apiPackage.create({ apiResourceId: api.id, ...NPM, name: "x" }))).toMatchObject({ code: 18001 });
    expect(await failure(() => adminA.apiPackage.update({ id: pkg.id, ...NPM }))).toMatchObject({ code: 300030, trpc: "NOT_FOUND" });
    expect(await failure(() => adminA.apiPackage.delete({ id: pkg.id }))).toMatchObject({ code: 300030 });

    // A developer manages the packages of the APIs they own, not the others'.
    const dev = await w.makeUser(w.tenantB.id, "pkg-dev", ["developer"]);
    const d = await w.callerFor(dev.id);
    expect(await failure(() => d.apiPackage.list({ id: api.id }))).toMatchObject({ code: 18001 });
    expect(await failure(() => d.apiPackage.delete({ id: pkg.id }))).toMatchObject({ code: 300030 });
    const mine = await d.apiResource.create({ name: "orders-pkg-dev" });
    const own = await d.apiPackage.create({ apiResourceId: mine.id, ...NPM });
    expect((await d.apiPackage.list({ id: mine.id })).map((p) => p.id)).toEqual([own.id]);
    expect(await t.db.apiPackage.count({ where: { id: pkg.id } })).toBe(1);
  });
});
