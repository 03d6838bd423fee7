/**
 * The provider's accounts are our users of its tenant: `sub` is the user's id, which names one
 * user of one tenant (another tenant's provider never finds it). A disabled or deleted user is
 * no account, so their sessions, codes, refreshes and userinfo calls stop at once. Claims use
 * the OpenID Connect standard names (Core §5.1) from the user's fields; `email_verified` and
 * `phone_number_verified` say whether a code proved that very address (User.*VerifiedAt). The
 * tenant's custom identity-resource claims (identity.ts) come from the user's claims and custom
 * properties. The library keeps only what the granted scopes list.
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
  phoneVerifiedAt: Date | null;
  email: string | null;
  emailVerifiedAt: Date | null;
  gender: string | null;
  birthday: Date | null;
  address: string | null;
  locale: string | null;
  updatedAt: Date;
  /** With the tenant's custom claims only: the user's properties and their claims of those types. */
  properties?: unknown;
  customClaims?: { type: string; value: string }[];
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
    // Cleared whenever the address changes (an administrator may set any): never more than we know.
    claims.email_verified = !!u.emailVerifiedAt;
  }
  if (u.phone) {
    claims.phone_number = e164(u.phone);
    claims.phone_number_verified = !!u.phoneVerifiedAt;
  }
  if (u.address) claims.address = { formatted: u.address };
  return claims;
}

/**
 * Values of the custom claims for one user: their claims of that type (one value: a string;
 * several: an array, in a stable order), else the custom property of that name. Never one the
 * standard claims already hold.
 */
export function customClaimValues(
  names: string[],
  userClaims: { type: string; value: string }[],
  properties: unknown,
  taken: Record<string, unknown> = {},
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const props = properties && typeof properties === "object" && !Array.isArray(properties) ? (properties as Record<string, unknown>) : {};
  for (const name of names) {
    if (Object.hasOwn(taken, name)) continue;
    const values = userClaims
      .filter((c) => c.type === name)
      .map((c) => c.value)
      .sort();
    if (values.length) out[name] = values.length === 1 ? values[0]! : values;
    else if (Object.hasOwn(props, name) && typeof props[name] === "string" && props[name] !== "") out[name] = props[name];
  }
  return out;
}

/** oidc-provider's findAccount for one tenant; `customClaims`: the claim names its identity resources add (identity.ts). */
export function accountFinder(db: Db, tenantId: string, customClaims: string[] = []) {
  return async (_ctx: unknown, id: string): Promise<Account | undefined> => {
    if (!UUID_RE.test(id)) return undefined;
    // One plain statement straight to the pool (fast-read.ts): every refresh and userinfo call asks.
    // A tenant with custom claims (most have none) reads them in the same statement.
    const custom = customClaims.length > 0;
    const [user] = await readRows<UserRow[]>(
      db,
      Prisma.sql`
      SELECT u."id"::text AS "id", u."userName", u."nickname", u."avatar", u."phone", u."phoneVerifiedAt", u."email", u."emailVerifiedAt", u."gender", u."birthday", u."address",
             u."locale", u."updatedAt"${
               custom
                 ? Prisma.sql`, u."properties",
             COALESCE((SELECT json_agg(json_build_object('type', c."type", 'value', c."value")) FROM "UserClaim" c
                        WHERE c."userId" = u."id" AND c."type" = ANY(${customClaims}::text[])), '[]'::json) AS "customClaims"`
                 : Prisma.empty
             }
        FROM "User" u JOIN "Tenant" t ON t."id" = u."tenantId"
       WHERE u."id" = ${id}::uuid AND u."tenantId" = ${tenantId}::uuid AND u."status" = 'active' AND u."deletedAt" IS NULL
         AND t."status" = 'enabled'
       LIMIT 1`,
      custom ? "uc_oidc_account_claims" : "uc_oidc_account",
    );
    if (!user) return undefined;
    return {
      accountId: user.id,
      claims: (_use: string, _scope: string, _claims: { [key: string]: null | ClaimsParameterMember }, _rejected: string[]) => {
        const standard = userClaims(user);
        if (!custom) return standard;
        return { ...customClaimValues(customClaims, user.customClaims ?? [], user.properties, standard), ...standard };
      },
    };
  };
}
