import { beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld, USER_PASSWORD } from "~/test/fixtures";
import { passwordPolicyFrom } from "~/server/security/passwords";
import { forgetTenantSettings } from "~/server/services/tenant-settings";

const t = setupWorld();
let w: typeof t.w;
beforeAll(() => {
  w = t.w;
});

async function setPolicy(props: Record<string, string>) {
  await t.db.tenantProperty.deleteMany({ where: { tenantId: w.tenantB.id, key: { startsWith: "password." } } });
  await t.db.tenantProperty.createMany({ data: Object.entries(props).map(([key, value]) => ({ tenantId: w.tenantB.id, key, value, secret: false })) });
  forgetTenantSettings(w.tenantB.id);
}

describe("a tenant's password policy", () => {
  it("reads its settings, never weaker than the default", () => {
    expect(passwordPolicyFrom({})).toEqual({ minLength: 8, blockCommon: true, historyCount: 0 });
    expect(passwordPolicyFrom({ "password.minLength": "12", "password.blockCommon": "false", "password.historyCount": "3" })).toEqual({
      minLength: 12,
      blockCommon: false,
      historyCount: 3,
    });
    expect(passwordPolicyFrom({ "password.minLength": "4", "password.historyCount": "999" })).toMatchObject({ minLength: 8, historyCount: 24 });
    expect(passwordPolicyFrom({ "password.minLength": "twelve", "password.blockCommon": "no" })).toMatchObject({ minLength: 8, blockCommon: true });
  });

  it("applies its minimum length and common list to an administrator's choice, in words", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { locale: "en" });
    await setPolicy({ "password.minLength": "12" });
    const short = await failure(() => admin.user.create({ userName: "policy1", password: "elevenchars", roleIds: [] }));
    expect(short).toMatchObject({ appCode: 14006, fields: { password: ["Use 12 to 128 characters, and not a common password"] } });
    await setPolicy({ "password.blockCommon": "false" });
    expect(await admin.user.create({ userName: "policy2", password: "password123", roleIds: [] })).toMatchObject({ userName: "policy2" });
    await setPolicy({});
    expect(await failure(() => admin.user.create({ userName: "policy3", password: "password123", roleIds: [] }))).toMatchObject({
      fields: { password: ["This password is too common and easy to guess"] },
    });
  });

  it("refuses the last N passwords when a user changes theirs", async () => {
    await setPolicy({ "password.historyCount": "3" });
    const user = await w.makeUser(w.tenantB.id, "history1", ["user"]);
    const me = await w.callerFor(user.id, w.tenantB, { locale: "en" });
    const change = (current: string, password: string) => me.auth.changePassword({ current, password });
    // The current password is one of the last three.
    expect(await failure(() => change(USER_PASSWORD, USER_PASSWORD))).toMatchObject({
      appCode: 14006,
      fields: { password: ["This is one of your last 3 passwords: choose one you have not used before"] },
    });
    await change(USER_PASSWORD, "second passphrase");
    await change("second passphrase", "third passphrase");
    expect(await failure(() => change("third passphrase", USER_PASSWORD))).toMatchObject({ appCode: 14006 });
    await change("third passphrase", "fourth passphrase");
    // Three later passwords on, the first may come back.
    await change("fourth passphrase", USER_PASSWORD);
    expect(await t.db.passwordHistory.count({ where: { userId: user.id } })).toBe(4);
    await setPolicy({});
  });
});

describe("must change password at the next sign-in", () => {
  it("after an administrator creates the user with a password or resets it: nothing but the password change answers", async () => {
    const admin = await w.callerFor(w.managerB.id, w.tenantB, { locale: "en" });
    const userRole = await t.db.role.findFirstOrThrow({ where: { tenantId: w.tenantB.id, name: "user" } });
    const created = await admin.user.create({ userName: "mustchange", password: "chosen by admin 1", roleIds: [userRole.id] });
    let me = await w.callerFor(created.id);
    expect(await failure(() => me.me.profile())).toMatchObject({ appCode: 12011, trpc: "FORBIDDEN" });
    expect(await me.me.get()).toMatchObject({ mustChangePassword: true });
    await me.auth.changePassword({ current: "chosen by admin 1", password: "my own passphrase" });
    me = await w.callerFor(created.id);
    expect(await me.me.get()).toMatchObject({ mustChangePassword: false });
    await expect(me.me.profile()).resolves.toBeTruthy();

    await admin.user.resetPassword({ id: created.id, password: "reset by admin 22" });
    me = await w.callerFor(created.id);
    expect(await failure(() => me.me.sessions({}))).toMatchObject({ appCode: 12011 });
    // A user without a password set by anyone is never asked.
    expect((await t.db.user.findUniqueOrThrow({ where: { id: w.plainB.id } })).mustChangePassword).toBe(false);
  });
});
