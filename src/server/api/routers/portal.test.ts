import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld, imported } from "~/test/fixtures";

const t = setupWorld();
let w: typeof t.w;

const doc = (title: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ openapi: "3.1.0", info: { title, version: "1" }, paths: { "/items": { get: { responses: { "200": { description: "ok" } } } }, ...extra } });

beforeAll(() => {
  w = t.w;
});

describe("developer portal", () => {
  it("shows only APIs with an online version in a published product, and only revisions that were released", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const anonymous = await w.callerFor(null);
    const api = await admin.apiResource.create({ name: "portal-items", displayName: "Items" });
    const v1 = await admin.apiPublish.createVersion({ id: api.id, name: "v1" });
    const r1 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: doc("Items 1") } }));
    const product = await admin.apiProduct.create({ name: "portal-basic", versionIds: [v1.id] });
    // Not published, nothing online: nothing shows.
    expect((await anonymous.portal.apis({})).map((a) => a.id)).not.toContain(api.id);
    await admin.apiProduct.update({ id: product.id, name: "portal-basic", versionIds: [v1.id], published: true });
    expect((await anonymous.portal.apis({})).map((a) => a.id)).not.toContain(api.id);
    expect(await failure(() => anonymous.portal.document({ versionId: v1.id }))).toMatchObject({ code: 300001, trpc: "NOT_FOUND" });

    await admin.apiPublish.setOnline({ id: r1.id, notes: "First" });
    const listed = (await anonymous.portal.apis({})).find((a) => a.id === api.id);
    expect(listed).toMatchObject({ name: "portal-items", displayName: "Items", products: [{ name: "portal-basic" }] });
    expect(listed!.versions).toMatchObject([{ name: "v1", onlineRevision: 1, operationCount: 1 }]);
    const online = await anonymous.portal.document({ versionId: v1.id });
    expect(online).toMatchObject({ number: 1, online: true });
    expect((online.document.info as { title: string }).title).toBe("Items 1");

    // A draft revision never shows; once released and replaced it stays readable as history.
    const r2 = await imported(
      admin.apiPublish.importRevision({
        id: api.id,
        versionId: v1.id,
        source: { kind: "text", text: doc("Items 2", { "/more": { get: { responses: { "200": { description: "ok" } } } } }) },
      }),
    );
    expect(await failure(() => anonymous.portal.document({ versionId: v1.id, revisionId: r2.id }))).toMatchObject({ code: 300009 });
    await admin.apiPublish.setOnline({ id: r2.id, notes: "Second" });
    expect((await anonymous.portal.document({ versionId: v1.id, revisionId: r1.id })).online).toBe(false);
    const detail = await anonymous.portal.api({ id: api.id });
    expect(detail.releases.map((r) => [r.revisionNumber, r.notes])).toEqual([
      [2, "Second"],
      [1, "First"],
    ]);
    expect(detail.releases[0]!.changes?.operations.map((o) => `${o.kind} ${o.method} ${o.path}`)).toEqual(["added GET /more"]);
    // The package market shows on the portal.
    expect(detail.packages).toEqual([]);
    await admin.apiPackage.create({
      apiResourceId: api.id,
      name: "@items/sdk",
      link: "https://www.npmjs.com/package/@items/sdk",
      platform: "npm",
      language: "TypeScript",
    });
    expect((await anonymous.portal.api({ id: api.id })).packages).toMatchObject([{ name: "@items/sdk", platform: "npm", language: "TypeScript" }]);

    // Another tenant's host sees none of it; a disabled API disappears.
    const onA = await w.callerFor(null, w.platform);
    expect((await onA.portal.apis({})).map((a) => a.id)).not.toContain(api.id);
    expect(await failure(() => onA.portal.api({ id: api.id }))).toMatchObject({ code: 18001 });
    expect(await failure(() => onA.portal.document({ versionId: v1.id }))).toMatchObject({ code: 300001 });
    await admin.apiResource.update({ id: api.id, name: "portal-items", enabled: false });
    expect(await failure(() => anonymous.portal.api({ id: api.id }))).toMatchObject({ code: 18001 });
    expect(await failure(() => anonymous.portal.document({ versionId: v1.id }))).toMatchObject({ code: 300001 });
  });
});
