import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld } from "~/test/fixtures";

const t = setupWorld();
let w: typeof t.w;
beforeAll(() => {
  w = t.w;
});

describe("my profile", () => {
  it("is read and edited by its owner only, with an audit entry", async () => {
    const me = await w.callerFor(w.plainB.id);
    expect(await me.me.profile()).toEqual({ nickname: null, gender: null, birthday: null, address: null, description: null, avatar: null });
    const saved = await me.me.updateProfile({ nickname: " 小明 ", gender: "male", birthday: "1990-05-17", address: "北京市海淀区", description: "" });
    expect(saved).toEqual({ nickname: "小明", gender: "male", birthday: "1990-05-17", address: "北京市海淀区", description: null, avatar: null });
    expect(await me.me.profile()).toEqual(saved);
    // Nobody else changed.
    const other = await t.db.user.findUniqueOrThrow({ where: { id: w.managerB.id } });
    expect(other.nickname).toBeNull();
    const audit = await t.db.auditLog.findFirstOrThrow({ where: { action: "me.profile", recordId: w.plainB.id } });
    expect(audit.after).toMatchObject({ nickname: "小明", birthday: "1990-05-17" });

    // Clearing a field with an empty string; untouched fields stay.
    expect(await me.me.updateProfile({ address: "" })).toMatchObject({ nickname: "小明", address: null });
  });

  it("refuses bad input with field errors, and changes nothing", async () => {
    const me = await w.callerFor(w.plainB.id);
    const before = await t.db.user.findUniqueOrThrow({ where: { id: w.plainB.id } });
    const f = await failure(() => me.me.updateProfile({ gender: "robot" as "male", birthday: "2999-01-01", nickname: "x".repeat(51) }));
    expect(f.trpc).toBe("BAD_REQUEST");
    expect(await t.db.user.findUniqueOrThrow({ where: { id: w.plainB.id } })).toEqual(before);
    // A user without self-service rights cannot edit even their own profile.
    const nobody = await w.callerFor(w.nobodyB.id);
    expect((await failure(() => nobody.me.updateProfile({ nickname: "x" }))).code).toBe(10002);
    const anon = await w.callerFor(null);
    expect((await failure(() => anon.me.updateProfile({ nickname: "x" }))).code).toBe(10001);
  });
});
