import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
beforeAll(() => {
  w = t.w;
  db = t.db;
});

describe("team: the referral tree", () => {
  it("maintains paths and depths when a subtree moves, refuses loops, lists with levels and counts; partners see only their own subtree", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const partnerRole = (await db.role.findUniqueOrThrow({ where: { tenantId_name: { tenantId: w.tenantB.id, name: "partner" } } })).id;
    const root = await admin.user.create({ userName: "t-root", roleIds: [partnerRole] });
    const a = await admin.user.create({ userName: "t-a", referrerId: root.id, roleIds: [partnerRole] });
    const a1 = await admin.user.create({ userName: "t-a1", referrerId: a.id });
    const a11 = await admin.user.create({ userName: "t-a11", referrerId: a1.id });
    const b = await admin.user.create({ userName: "t-b", referrerId: root.id, roleIds: [partnerRole] });
    const path = async (id: string) => await db.user.findUniqueOrThrow({ where: { id }, select: { teamPath: true, teamDepth: true } });
    expect(await path(a11.id)).toEqual({ teamPath: `${root.id}/${a.id}/${a1.id}/${a11.id}/`, teamDepth: 3 });

    // Move a1 (and a11 with it) under b.
    await admin.user.update({ id: a1.id, referrerId: b.id });
    expect(await path(a1.id)).toEqual({ teamPath: `${root.id}/${b.id}/${a1.id}/`, teamDepth: 2 });
    expect(await path(a11.id)).toEqual({ teamPath: `${root.id}/${b.id}/${a1.id}/${a11.id}/`, teamDepth: 3 });
    // Loops: under itself or its own descendant.
    expect(await failure(() => admin.user.update({ id: a1.id, referrerId: a11.id }))).toMatchObject({ code: 15004 });
    expect(await failure(() => admin.user.update({ id: root.id, referrerId: a11.id }))).toMatchObject({ code: 15004 });
    expect(await failure(() => admin.user.update({ id: a1.id, referrerId: a1.id }))).toMatchObject({ code: 15004 });
    expect(await failure(() => admin.user.update({ id: a1.id, referrerId: w.operator.id }))).toMatchObject({ code: 15004 });
    expect(await path(a11.id)).toEqual({ teamPath: `${root.id}/${b.id}/${a1.id}/${a11.id}/`, teamDepth: 3 });

    // Administrators list any subtree.
    const tree = await admin.team.list({ userId: root.id });
    expect(tree.root).toMatchObject({ id: root.id, directCount: 2, totalCount: 4 });
    // Tree order (by path): each member followed by its own subtree.
    const expected = new Map([
      ["t-a", [1, 0, 0]],
      ["t-b", [1, 1, 2]],
      ["t-a1", [2, 1, 1]],
      ["t-a11", [3, 0, 0]],
    ]);
    expect(tree.items).toHaveLength(4);
    for (const m of tree.items) expect([m.level, m.directCount, m.totalCount]).toEqual(expected.get(m.userName!));
    const names = tree.items.map((m) => m.userName);
    expect(names.indexOf("t-a1")).toBe(names.indexOf("t-b") + 1);
    expect(names.indexOf("t-a11")).toBe(names.indexOf("t-a1") + 1);
    const sub = await admin.team.list({ userId: b.id, search: "t-a1" });
    expect(sub.items.map((m) => [m.userName, m.level])).toEqual([
      ["t-a1", 1],
      ["t-a11", 2],
    ]);
    expect((await admin.team.list({ userId: root.id, maxLevel: 1 })).items.map((m) => m.userName).sort()).toEqual(["t-a", "t-b"]);

    // A partner sees their own subtree (default), may look deeper into it, never beside or above.
    const partnerB = await w.callerFor(b.id);
    const mine = await partnerB.team.list({});
    expect(mine.root.id).toBe(b.id);
    expect(mine.items.map((m) => m.userName)).toEqual(["t-a1", "t-a11"]);
    expect((await partnerB.team.list({ userId: a1.id })).items.map((m) => m.userName)).toEqual(["t-a11"]);
    expect(await failure(() => partnerB.team.list({ userId: a.id }))).toMatchObject({ code: 15001, trpc: "NOT_FOUND" });
    expect(await failure(() => partnerB.team.list({ userId: root.id }))).toMatchObject({ code: 15001 });
    // Another tenant's user is a 404 even for administrators; plain users lack uc.team.get.
    expect(await failure(() => admin.team.list({ userId: w.operator.id }))).toMatchObject({ code: 15001 });
    expect(await failure(async () => (await w.callerFor(w.plainB.id)).team.list({}))).toMatchObject({ code: 10002 });
  });
});
