import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

const t = setupWorld();
let w: typeof t.w;
let db: typeof t.db;
const at = (day: number) => new Date(Date.UTC(2026, 4, day, 8, 0, 0));

beforeAll(async () => {
  w = t.w;
  db = t.db;
  const msg = (tenantId: string | null, channel: string, to: string, day: number, extra: { subject?: string; status?: string; error?: string } = {}) => ({
    tenantId,
    channel,
    to,
    body: `Your code is 1234${day}`,
    provider: "outbox",
    status: extra.status ?? "stored",
    subject: extra.subject ?? null,
    error: extra.error ?? null,
    createdAt: at(day),
  });
  await db.outboxMessage.createMany({
    data: [
      msg(w.tenantB.id, "sms", "+86-13800000001", 1),
      msg(w.tenantB.id, "email", "alice@b.test", 2, { subject: "Your code" }),
      msg(w.platform.id, "email", "ops@platform.test", 3, { subject: "Reset" }),
      msg(null, "sms", "+86-13800000002", 4, { status: "failed", error: "no provider" }),
    ],
  });
});

describe("outbox.list (platform operators only)", () => {
  it("lists every tenant's messages, newest first, with their fields", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    const all = await op.outbox.list({ take: 100 });
    expect(all.total).toBe(4);
    expect(all.items.map((m) => m.to)).toEqual(["+86-13800000002", "ops@platform.test", "alice@b.test", "+86-13800000001"]);
    expect(all.items[0]).toMatchObject({ tenantId: null, channel: "sms", status: "failed", error: "no provider", subject: null, body: "Your code is 12344" });
    expect(all.items[2]).toMatchObject({ tenantId: w.tenantB.id, channel: "email", subject: "Your code", createdAt: at(2) });
    const oldest = await op.outbox.list({ asc: true, take: 1 });
    expect(oldest).toMatchObject({ total: 4, items: [{ to: "+86-13800000001" }] });
    expect((await op.outbox.list({ skip: 1, take: 2 })).items.map((m) => m.to)).toEqual(["ops@platform.test", "alice@b.test"]);
  });

  it("filters by recipient (case-insensitive), tenant and date range", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    expect((await op.outbox.list({ to: " ALICE@ " })).items.map((m) => m.to)).toEqual(["alice@b.test"]);
    expect((await op.outbox.list({ tenantId: w.tenantB.id })).items.map((m) => m.to)).toEqual(["alice@b.test", "+86-13800000001"]);
    const range = await op.outbox.list({ startTime: at(2), endTime: at(3) });
    expect(range.items.map((m) => m.to)).toEqual(["ops@platform.test", "alice@b.test"]);
    expect((await op.outbox.list({ to: "nobody@" })).total).toBe(0);
  });

  it("answers bad input with field errors", async () => {
    const op = await w.callerFor(w.operator.id, w.platform);
    const f = await failure(() => op.outbox.list({ tenantId: "not-a-uuid", take: 0 }));
    expect(f).toMatchObject({ appCode: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(f.fields!).sort()).toEqual(["take", "tenantId"]);
    const ctrl = await failure(() => op.outbox.list({ to: "a\u0000b" }));
    expect(ctrl).toMatchObject({ code: 10003, trpc: "BAD_REQUEST" });
    expect(Object.keys(ctrl.fields!)).toEqual(["to"]);
  });

  it("refuses tenant administrators (10002) and anonymous callers (10001); a tenant role holding the code is refused too", async () => {
    const admin = await w.callerFor(w.managerB.id);
    expect(await failure(() => admin.outbox.list({}))).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
    expect(await failure(() => admin.outbox.list({ tenantId: w.tenantB.id }))).toMatchObject({ code: 10002 });
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.outbox.list({}))).toMatchObject({ code: 10002 });
    const anon = await w.callerFor(null);
    expect(await failure(() => anon.outbox.list({}))).toMatchObject({ code: 10001, trpc: "UNAUTHORIZED" });
    const anonPlatform = await w.callerFor(null, w.platform);
    expect(await failure(() => anonPlatform.outbox.list({}))).toMatchObject({ code: 10001 });

    // The outbox holds live codes: a tenant role given uc.outbox.get behind the roles service's back still cannot read it.
    const role = await db.role.create({ data: { tenantId: w.tenantB.id, name: "outbox-reader", permissions: ["uc.outbox.get"] } });
    const reader = await db.user.create({
      data: { tenantId: w.tenantB.id, userName: "outboxreader", userNameKey: "outboxreader", roles: { create: [{ roleId: role.id }] } },
    });
    const sneaky = await w.callerFor(reader.id);
    expect(await failure(() => sneaky.outbox.list({}))).toMatchObject({ code: 10002, trpc: "FORBIDDEN" });
  });
});
