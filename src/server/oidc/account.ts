/**
 * The provider's accounts are our users of its tenant: `sub` is the user's id, which names one
 * user of one tenant (another tenant's provider never finds it). A disabled or deleted user is
 * no account, so their sessions, codes, refreshes and userinfo calls stop at once. Claims use
 * the OpenID Connect standard names (Core §5.1) from the user's fields.
 */
import type { Account, AccountClaims, ClaimsParameterMember } from "oidc-provider";
import type { Db } from "~/server/db";
import { UUID_RE } from "~/server/db/sql";
import { Prisma } from "~/generated/prisma/client";
import { readRows } from "~/server/db/fast-read";

/** Which claims each standard scope releases (the standard identity resources); null: always there when it applies. */
export const OIDC_CLAIMS: Record<string, string[] | null> = {
  acr: null,
  amr: null,
  auth_time: null,
  sid: null,
  // How and when the user signed in travel with the ID token (the login session's method and time).
  openid: ["sub", "amr", "auth_time"],
  profile: ["name", "nickname", "preferred_username", "picture", "gender", "birthdate", "locale", "updated_at"],
  email: ["email", "email_verified"],
  phone: ["phone_number", "phone_number_verified"],
  address: ["address"],
};

interface UserRow {
  id: string;
  userName: string | null;
  nickname: string | null;
  avatar: string | null;
  phone: string | null;
  email: string | null;
  gender: string | null;
  birthday: Date | null;
  address: string | null;
  locale: string | null;
  updatedAt: Date;
}

/** `+86-15810419011` → `+8615810419011` (E.164, as phone_number wants it). */
export const e164 = (phone: string) => phone.replace(/[^+\d]/g, "");

/** The standard claims of a user (those without a value left out). */
export function userClaims(u: UserRow): AccountClaims {
  const claims: AccountClaims = { sub: u.id };
  const set = (k: string, v: unknown) => {
    if (v !== null && v !== undefined && v !== "") claims[k] = v;
  };
  set("name", u.nickname ?? u.userName);
  set("nickname", u.nickname);
  set("preferred_username", u.userName);
  set("picture", u.avatar);
  set("gender", u.gender);
  set("birthdate", u.birthday ? u.birthday.toISOString().slice(0, 10) : null);
  set("locale", u.locale);
  claims.updated_at = Math.floor(u.updatedAt.getTime() / 1000);
  if (u.email) {
    claims.email = u.email;
    // We keep no record of whether an address was proven by a code (an administrator may set any):
    // never claim more than we know.
    claims.email_verified = false;
  }
  if (u.phone) {
    claims.phone_number = e164(u.phone);
    claims.phone_number_verified = false;
  }
  if (u.address) claims.address = { formatted: u.address };
  return claims;
}

/** oidc-provider's findAccount for one tenant. */
export function accountFinder(db: Db, tenantId: string) {
  return async (_ctx: unknown, id: string): Promise<Account | undefined> => {
    if (!UUID_RE.test(id)) return undefined;
    // One plain statement straight to the pool (fast-read.ts): every refresh and userinfo call asks.
    const [user] = await readRows<UserRow[]>(
      db,
      Prisma.sql`
      SELECT u."id"::text AS "id", u."userName", u."nickname", u."avatar", u."phone", u."email", u."gender", u."birthday", u."address",
             u."locale", u."updatedAt"
        FROM "User" u JOIN "Tenant" t ON t."id" = u."tenantId"
       WHERE u."id" = ${id}::uuid AND u."tenantId" = ${tenantId}::uuid AND u."status" = 'active' AND u."deletedAt" IS NULL
         AND t."status" = 'enabled'
       LIMIT 1`,
    );
    if (!user) return undefined;
    return {
      accountId: user.id,
      claims: (_use: string, _scope: string, _claims: { [key: string]: null | ClaimsParameterMember }, _rejected: string[]) => userClaims(user),
    };
  };
}
