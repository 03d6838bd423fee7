import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";
import { accountLockedUntil } from "~/server/security/throttle";
import { createLoginSession } from "~/server/services/session";
import { drainAllJobs } from "~/server/jobs/queues";
import { claimJob } from "~/server/jobs/runner";

process.env.UC_EXPORT_WORKER = "off"; // the test runs the jobs by hand (drainAllJobs)

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
let roleId: (name: string) => Promise<string>;
beforeAll(() => {
  w = t.w;
  db = t.db;
  roleId = async (name) => (await db.role.findUniqueOrThrow({ where: { tenantId_name: { tenantId: w.tenantB.id, name } } })).id;
});

const HOUR = 3600_000;
let seq = 0;
/** `n` fresh users in tenant B named `<prefix>NNN` (no roles). */
async function usersInB(prefix: string, n: number, extra: { status?: "active" | "disabled" } = {}) {
  const data = Array.from({ length: n }, (_, i) => {
    const userName = `${prefix}${String(i).padStart(3, "0")}`;
    return { tenantId: w.tenantB.id, userName, userNameKey: userName.toLowerCase(), createdAt: new Date(Date.UTC(2026, 0, 1) + seq++ * 1000), ...extra };
  });
  await db.user.createMany({ data });
  return db.user.findMany({ where: { tenantId: w.tenantB.id, userNameKey: { startsWith: prefix.toLowerCase() } }, orderBy: { userNameKey: "asc" } });
}
const auditCount = (action: string, ids: string[]) => db.auditLog.count({ where: { action, recordId: { in: ids } } });

describe("user.bulk inline (up to 200 ids)", () => {
  it("locks two users: each gets its user.lock audit row and the request one user.bulk row", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const [a, b] = await usersInB("locka", 2);
    const until = new Date(Date.now() + HOUR);
    const out = await admin.user.bulk({ action: "lock", ids: [a!.id, b!.id], until });
    expect(out).toEqual({ outcome: { changed: 2, skipped: 0, reasons: [] }, job: null });
    for (const u of [a!, b!]) expect((await accountLockedUntil(db, w.tenantB.id, u.id))?.getTime()).toBe(until.getTime());
    expect(await auditCount("user.lock", [a!.id, b!.id])).toBe(2);
    const bulk = await db.auditLog.findFirstOrThrow({ where: { action: "user.bulk", actorId: w.managerB.id }, orderBy: { createdAt: "desc" } });
    expect(bulk.after).toMatchObject({ action: "lock", ids: 2, changed: 2, skipped: 0 });
    // Unlocking them, then unlocking again: the second time there is nothing to change.
    expect((await admin.user.bulk({ action: "unlock", ids: [a!.id, b!.id] })).outcome).toMatchObject({ changed: 2 });
    expect((await admin.user.bulk({ action: "unlock", ids: [a!.id, b!.id] })).outcome).toEqual({
      changed: 0,
      skipped: 2,
      reasons: [{ code: 15005, count: 2 }],
    });
    expect(await auditCount("user.unlock", [a!.id, b!.id])).toBe(2);
  });

  it("never touches another tenant's users (skipped as not found) and skips the actor themself for delete, disable and lock", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const [mine] = await usersInB("isol", 1);
    const foreign = await w.makeUser(w.platform.id, "foreign-bulk", []);
    for (const action of ["delete", "disable", "lock"] as const) {
      const out = await admin.user.bulk({ action, ids: [foreign.id, w.operator.id, w.managerB.id], until: new Date(Date.now() + HOUR) });
      expect(out.outcome).toEqual({
        changed: 0,
        skipped: 3,
        reasons: [
          { code: 15001, count: 2 },
          { code: 15003, count: 1 },
        ],
      });
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ status: "active", deletedAt: null });
    expect(await accountLockedUntil(db, w.platform.id, foreign.id)).toBeNull();
    expect(
      await db.auditLog.count({
        where: { recordId: { in: [foreign.id, w.operator.id, w.managerB.id] }, action: { in: ["user.delete", "user.update", "user.lock"] } },
      }),
    ).toBe(0);
    expect(await db.user.findUniqueOrThrow({ where: { id: w.managerB.id } })).toMatchObject({ status: "active", deletedAt: null });
    // The same request with a user of the tenant does change that one.
    expect((await admin.user.bulk({ action: "disable", ids: [mine!.id, foreign.id] })).outcome).toMatchObject({ changed: 1, skipped: 1 });
    expect((await db.user.findUniqueOrThrow({ where: { id: mine!.id } })).status).toBe("disabled");
  });

  it("each action needs the single action's permission: an administrator without uc.user.delete may lock but not bulk delete", async () => {
    const role = await db.role.create({ data: { tenantId: w.tenantB.id, name: "no-delete", permissions: ["uc.user.get", "uc.user.lock", "uc.user.put"] } });
    const helper = await db.user.create({
      data: { tenantId: w.tenantB.id, userName: "nodelete", userNameKey: "nodelete", roles: { create: [{ roleId: role.id }] } },
    });
    const caller = await w.callerFor(helper.id);
    const [u] = await usersInB("perm", 1);
    expect(await failure(() => caller.user.bulk({ action: "delete", ids: [u!.id] }))).toMatchObject({ code: 10002 });
    expect(await failure(() => caller.user.bulk({ action: "unlock", ids: [u!.id] }))).toMatchObject({ code: 10002 });
    expect(await failure(() => caller.user.bulk({ action: "delete", filter: { name: "perm" } }))).toMatchObject({ code: 10002 });
    expect((await db.user.findUniqueOrThrow({ where: { id: u!.id } })).deletedAt).toBeNull();
    expect((await caller.user.bulk({ action: "lock", ids: [u!.id], until: new Date(Date.now() + HOUR) })).outcome).toMatchObject({ changed: 1 });
    // Roles and status are uc.user.put, as setRoles and update are: a locker alone may not.
    const lockerRole = await db.role.create({ data: { tenantId: w.tenantB.id, name: "locker", permissions: ["uc.user.get", "uc.user.lock"] } });
    const locker = await db.user.create({
      data: { tenantId: w.tenantB.id, userName: "locker", userNameKey: "locker", roles: { create: [{ roleId: lockerRole.id }] } },
    });
    const lockCaller = await w.callerFor(locker.id);
    for (const action of ["addRole", "removeRole", "disable", "enable"] as const)
      expect(await failure(() => lockCaller.user.bulk({ action, ids: [u!.id], roleId: role.id }))).toMatchObject({ code: 10002 });
    // Signed out: 401 for each of the three procedures.
    const anon = await w.callerFor(null);
    expect(await failure(() => anon.user.bulk({ action: "enable", ids: [u!.id] }))).toMatchObject({ code: 10001 });
    expect(await failure(() => anon.user.bulkJobs())).toMatchObject({ code: 10001 });
    expect(await failure(() => anon.user.bulkJob({ id: u!.id }))).toMatchObject({ code: 10001 });
    // Without the list permission there is no bulk at all.
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.user.bulk({ action: "lock", ids: [u!.id], until: new Date(Date.now() + HOUR) }))).toMatchObject({ code: 10002 });
  });

  it("adds and removes a role (user.roles audit rows), skipping those who already have it; another tenant's role is 16001", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const users = await usersInB("roles", 3);
    const partner = await roleId("partner");
    await db.userRole.create({ data: { userId: users[0]!.id, roleId: partner } });
    const added = await admin.user.bulk({ action: "addRole", roleId: partner, ids: users.map((u) => u.id) });
    expect(added.outcome).toEqual({ changed: 2, skipped: 1, reasons: [{ code: 15005, count: 1 }] });
    expect(await db.userRole.count({ where: { roleId: partner, userId: { in: users.map((u) => u.id) } } })).toBe(3);
    expect(
      await auditCount(
        "user.roles",
        users.map((u) => u.id),
      ),
    ).toBe(2);
    const removed = await admin.user.bulk({ action: "removeRole", roleId: partner, ids: users.map((u) => u.id) });
    expect(removed.outcome).toMatchObject({ changed: 3, skipped: 0 });
    expect(await db.userRole.count({ where: { roleId: partner, userId: { in: users.map((u) => u.id) } } })).toBe(0);
    const platformRole = await db.role.findFirstOrThrow({ where: { tenantId: w.platform.id } });
    expect(await failure(() => admin.user.bulk({ action: "addRole", roleId: platformRole.id, ids: [users[0]!.id] }))).toMatchObject({ code: 16001 });
  });

  it("refuses bad requests: both or neither of ids and filter, too many ids, a lock without an end or in the past", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const id = w.plainB.id;
    expect(await failure(() => admin.user.bulk({ action: "disable", ids: [id], filter: {} }))).toMatchObject({ appCode: 10003 });
    expect(await failure(() => admin.user.bulk({ action: "disable" }))).toMatchObject({ appCode: 10003 });
    const many = Array.from({ length: 1001 }, (_, i) => `0193a000-0000-7000-8000-${String(i).padStart(12, "0")}`);
    expect(await failure(() => admin.user.bulk({ action: "disable", ids: many }))).toMatchObject({ appCode: 10003 });
    expect(await failure(() => admin.user.bulk({ action: "lock", ids: [id] }))).toMatchObject({ appCode: 10003 });
    expect(await failure(() => admin.user.bulk({ action: "lock", ids: [id], until: new Date(Date.now() - 1000) }))).toMatchObject({ code: 10003 });
    expect(await failure(() => admin.user.bulk({ action: "addRole", ids: [id] }))).toMatchObject({ appCode: 10003 });
  });

  it.skipIf(process.env.TEST_DB === "pglite")(
    "a user whose change fails half-way is rolled back and skipped with the reason; the others are changed",
    async () => {
      const admin = await w.callerFor(w.managerB.id);
      const users = await usersInB("halfway", 3);
      const victim = users[1]!;
      await createLoginSession(db, { tenantId: w.tenantB.id, userId: victim.id, site: "admin", method: "password" });
      // Disabling ends the user's sessions after the status is written: make that step fail for the victim alone.
      await db.$executeRawUnsafe(`CREATE FUNCTION uc_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF OLD."userId" = '${victim.id}'::uuid THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
      await db.$executeRawUnsafe(`CREATE TRIGGER uc_test_refuse BEFORE UPDATE ON "LoginSession" FOR EACH ROW EXECUTE FUNCTION uc_test_refuse()`);
      try {
        const out = await admin.user.bulk({ action: "disable", ids: users.map((u) => u.id) });
        expect(out.outcome).toEqual({ changed: 2, skipped: 1, reasons: [{ code: 10000, count: 1 }] });
      } finally {
        await db.$executeRawUnsafe(`DROP TRIGGER uc_test_refuse ON "LoginSession"`);
        await db.$executeRawUnsafe(`DROP FUNCTION uc_test_refuse()`);
      }
      expect((await db.user.findUniqueOrThrow({ where: { id: victim.id } })).status).toBe("active");
      expect(await auditCount("user.update", [victim.id])).toBe(0);
      expect(await db.user.count({ where: { id: { in: [users[0]!.id, users[2]!.id] }, status: "disabled" } })).toBe(2);
    },
  );
});

describe("user.bulk as a job (more than 200 ids, or all matching a filter)", () => {
  it("250 ids become a job the runner completes, with progress and the outcome; every user audited", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const users = await usersInB("big", 250);
    const ids = users.map((u) => u.id);
    const out = await admin.user.bulk({ action: "disable", ids });
    expect(out.outcome).toBeNull();
    expect(out.job).toMatchObject({ action: "disable", status: "queued", done: 0 });
    expect(await db.user.count({ where: { id: { in: ids }, status: "disabled" } })).toBe(0); // nothing yet
    const bulkRow = await db.auditLog.findFirstOrThrow({ where: { action: "user.bulk", recordId: out.job!.id } });
    expect(bulkRow.after).toMatchObject({ action: "disable", ids: 250, job: out.job!.id });
    expect(await drainAllJobs(db, { progressEveryMs: 0 })).toBe(1);
    const job = await admin.user.bulkJob({ id: out.job!.id });
    expect(job).toMatchObject({ status: "done", done: 250, total: 250, outcome: { changed: 250, skipped: 0, reasons: [] }, error: null });
    expect(await db.user.count({ where: { id: { in: ids }, status: "disabled" } })).toBe(250);
    expect(await auditCount("user.update", ids)).toBe(250);
    expect((await admin.user.bulkJobs())[0]?.id).toBe(job.id);
    // Someone else's job is a 404.
    const operator = await w.callerFor(w.operator.id, w.platform);
    expect(await failure(() => operator.user.bulkJob({ id: job.id }))).toMatchObject({ code: 10004 });
  });

  it("all users matching a filter: the list's own filter, tenant-scoped, the actor skipped; the audit rows name the request's IP", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { ip: "203.0.113.9" });
    const users = await usersInB("filt", 7);
    await usersInB("filtdisabled", 2, { status: "disabled" });
    const foreign = await w.makeUser(w.platform.id, "filtforeign", []);
    const until = new Date(Date.now() + HOUR);
    // "filt" matches the 7 active, the 2 disabled (left out by status) and the foreign user (another tenant).
    const out = await admin.user.bulk({ action: "lock", until, filter: { name: "filt", status: "active", take: 5, skip: 20 } });
    expect(out.job?.status).toBe("queued");
    await drainAllJobs(db);
    const job = await admin.user.bulkJob({ id: out.job!.id });
    expect(job).toMatchObject({ status: "done", done: 7, total: 7, outcome: { changed: 7, skipped: 0 } });
    for (const u of users) expect(await accountLockedUntil(db, w.tenantB.id, u.id)).not.toBeNull();
    expect(await accountLockedUntil(db, w.platform.id, foreign.id)).toBeNull();
    const rows = await db.auditLog.findMany({ where: { action: "user.lock", recordId: { in: users.map((u) => u.id) } } });
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.ip === "203.0.113.9" && r.actorId === w.managerB.id && r.tenantId === w.tenantB.id)).toBe(true);

    // All of tenant B's live users, disabled: the actor (and the last administrator) is skipped.
    const everyone = await admin.user.bulk({ action: "disable", filter: { name: "manager" } });
    await drainAllJobs(db);
    expect((await admin.user.bulkJob({ id: everyone.job!.id })).outcome).toEqual({ changed: 0, skipped: 1, reasons: [{ code: 15003, count: 1 }] });
  });

  it("a job taken over after a crash carries on from its last progress write", async () => {
    const admin = await w.callerFor(w.managerB.id);
    const users = await usersInB("resume", 230);
    const ids = users.map((u) => u.id);
    const out = await admin.user.bulk({ action: "addRole", roleId: await roleId("partner"), ids });
    // An instance claimed it, got through the first 100 users (as its progress write says) and died.
    expect((await claimJob(db, {}))?.id).toBe(out.job!.id);
    await db.job.update({
      where: { id: out.job!.id },
      data: { leaseUntil: new Date(Date.now() - 1000), done: 100, result: { changed: 100, skipped: 0, reasons: [], resume: { at: 100 } } },
    });
    await drainAllJobs(db);
    expect(await admin.user.bulkJob({ id: out.job!.id })).toMatchObject({ status: "done", done: 230, outcome: { changed: 230, skipped: 0 } });
    // Only the 130 after the checkpoint were done by the second instance.
    expect(await auditCount("user.roles", ids)).toBe(130);
    expect(await db.userRole.count({ where: { userId: { in: ids.slice(100) } } })).toBe(130);
  });

  it("a creator who lost the action's permission before the job ran: the job fails and nobody is touched", async () => {
    const role = await db.role.create({ data: { tenantId: w.tenantB.id, name: "deleter", permissions: ["uc.user.get", "uc.user.delete"] } });
    const helper = await db.user.create({
      data: { tenantId: w.tenantB.id, userName: "deleter", userNameKey: "deleter", roles: { create: [{ roleId: role.id }] } },
    });
    const caller = await w.callerFor(helper.id);
    const users = await usersInB("lost", 3);
    const out = await caller.user.bulk({ action: "delete", filter: { name: "lost" } });
    await db.role.update({ where: { id: role.id }, data: { permissions: ["uc.user.get"] } });
    await drainAllJobs(db);
    expect(await caller.user.bulkJob({ id: out.job!.id })).toMatchObject({ status: "failed" });
    expect(await db.user.count({ where: { id: { in: users.map((u) => u.id) }, deletedAt: { not: null } } })).toBe(0);
  });
});
