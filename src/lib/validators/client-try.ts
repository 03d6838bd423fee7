/** The console's "Try it" on a client (src/server/oidc/try.ts): what one run shows. */
import { z } from "zod";

const json = z.record(z.string(), z.unknown());

export const tryRun = z.object({
  at: z.string(),
  clientId: z.string(),
  scope: z.string(),
  /** Where the run stopped, with the provider's error code and description. */
  error: z.object({ stage: z.enum(["authorize", "token", "userinfo"]), code: z.string(), description: z.string().nullable() }).nullable(),
  idToken: z.object({ header: json, claims: json, signatureVerified: z.boolean() }).nullable(),
  accessToken: z
    .object({
      value: z.string(),
      tokenType: z.string(),
      expiresIn: z.number().nullable(),
      scope: z.string().nullable(),
      /** Decoded when the access token is a JWT (a resource's), else null (opaque). */
      header: json.nullable(),
      claims: json.nullable(),
    })
    .nullable(),
  /** A refresh token is never shown: only that one was issued and revoked at once. */
  refreshToken: z.object({ issued: z.boolean(), revoked: z.boolean() }).nullable(),
  userinfo: json.nullable(),
});
export type TryRun = z.infer<typeof tryRun>;

export const tryResultInput = z.object({ id: z.uuid(), run: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
