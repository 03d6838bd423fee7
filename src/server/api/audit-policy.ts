/**
 * Every mutation decides whether it writes an audit row. audit-policy.test.ts walks the app
 * router and fails when a mutation is on neither list, so a new router must choose.
 */
export const AUDITED_MUTATIONS = [
  "auth.changePassword",
  "auth.register",
  "auth.resetPassword",
  "export.create",
  "lock.unlock",
  "me.bindEmail",
  "me.bindMiniprogram",
  "me.bindPhone",
  "me.bindWechat",
  "me.endSession",
  "me.unbind",
  "me.unbindContact",
  "me.updateProfile",
  "role.create",
  "role.delete",
  "role.update",
  "session.delete",
  "session.freeze",
  "session.offline",
  "session.purge",
  "session.recycle",
  "session.unfreeze",
  "tenant.create",
  "tenant.delete",
  "tenant.setStatus",
  "tenant.update",
  "user.create",
  "user.delete",
  "user.lock",
  "user.recycle",
  "user.resetPassword",
  "user.setClaims",
  "user.setRoles",
  "user.unlinkLogin",
  "user.unlock",
  "user.update",
] as const;

export const NOT_AUDITED_MUTATIONS: Record<string, string> = {
  "auth.sendCode": "sends a one-time code and changes no account; every send is kept in the code and outbox tables, and rate-limited",
  "me.setLocale": "a display preference of the caller's own, with no security meaning",
  "me.labelSession": "a cosmetic label on one of the caller's own sessions",
};
