import { createChallenge } from "~/server/security/captcha";
import { captchaKey } from "~/server/services/account";

export const dynamic = "force-dynamic";

/** The ALTCHA widget's `challengeurl`. */
export async function GET() {
  return Response.json(await createChallenge(captchaKey()), { headers: { "cache-control": "no-store" } });
}
