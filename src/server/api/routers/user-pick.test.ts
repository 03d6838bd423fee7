import { beforeAll, describe, expect, it } from "vitest";
import { handleRest } from "~/server/api/rest";
import { failure, setupWorld } from "~/test/fixtures";
import { createLoginSession } from "~/server/services/session";
import { signSessionToken } from "~/server/services/tokens";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
beforeAll(() => {
  w = t.w;
  db = t.db;
});

/** The REST mirror in-process, as /api/v1 serves it, signed in as `userId` with a session token. */
async function rest(path: string, userId: string, host = "b.test") {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  const s = await createLoginSession(db, { tenantId: user.tenantId, userId, site: "admin", method: "password" });
  const token = await signSessionToken(db, { sessionId: s.id, userId, tenantId: user.tenantId, expiresAt: s.expiresAt });
  const req = new Request(`http://${host}/api/v1${path}`, { headers: { authorization: `Bearer ${token}`, host } });
  return handleRest(req, db);
}

describe("user.pick: labels for the user picker", () => {
  it("answers name, phone and email for the caller's tenant's live users, in the order asked; skips foreign, deleted and unknown ids", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const nick = await admin.user.create({ userName: "picked01", nickname: "小明", email: "picked@b.test" });
    const gone = await admin.user.create({ userName: "gone01" });
    await admin.user.delete({ id: gone.id });
    const unknown = "00000000-0000-4000-8000-000000000000";

    const got = await admin.user.pick({ ids: [nick.id, w.operator.id, gone.id, unknown, w.managerB.id, nick.id] });
    expect(got).toEqual([
      { id: nick.id, name: "小明", userName: "picked01", phone: null, email: "picked@b.test" },
      { id: w.managerB.id, name: "ManagerB", userName: "ManagerB", phone: "+86-15810419011", email: "manager@b.test" },
    ]);
    expect(await admin.user.pick({ ids: [] })).toEqual([]);

    // The operator sees across tenants, or only the tenant they name.
    const op = await w.callerFor(w.operator.id, w.platform);
    expect((await op.user.pick({ ids: [nick.id, w.operator.id] })).map((u) => u.id)).toEqual([nick.id, w.operator.id]);
    expect((await op.user.pick({ ids: [nick.id, w.operator.id], tenantId: w.tenantB.id })).map((u) => u.id)).toEqual([nick.id]);
    // A tenant administrator's tenantId is ignored: still only their own tenant.
    expect(await admin.user.pick({ ids: [w.operator.id], tenantId: w.platform.id })).toEqual([]);
  });

  it("needs uc.user.get, takes at most 50 well-formed ids", async () => {
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.user.pick({ ids: [w.managerB.id] }))).toMatchObject({ trpc: "FORBIDDEN" });
    const admin = await w.callerFor(w.managerB.id);
    const many = Array.from({ length: 51 }, () => w.managerB.id);
    expect(await failure(() => admin.user.pick({ ids: many }))).toMatchObject({ trpc: "BAD_REQUEST" });
    expect(await failure(() => admin.user.pick({ ids: ["not-an-id"] }))).toMatchObject({ trpc: "BAD_REQUEST" });
  });

  it("is published as GET /users/pick, ahead of /users/{id}, with ids comma-separated or repeated", async () => {
    const a = await rest(`/users/pick?ids=${w.managerB.id},${w.plainB.id}`, w.managerB.id);
    expect(a.status).toBe(200);
    expect(((await a.json()) as { id: string }[]).map((u) => u.id)).toEqual([w.managerB.id, w.plainB.id]);
    const b = await rest(`/users/pick?ids=${w.plainB.id}&ids=${w.managerB.id}`, w.managerB.id);
    expect(b.status).toBe(200);
    expect(((await b.json()) as { id: string }[]).map((u) => u.id)).toEqual([w.plainB.id, w.managerB.id]);
    expect((await rest(`/users/pick?ids=${w.managerB.id}`, w.plainB.id)).status).toBe(403);
  });
});
