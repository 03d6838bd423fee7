import { openApiDocument } from "~/server/api/openapi";
import { db } from "~/server/db";
import { describeError } from "~/lib/errors";
import { LOCALE_COOKIE, pickLocale, readCookie } from "~/i18n/locale";
import { resolveTenant } from "~/server/services/host";
import { requestHost, requestOrigin } from "~/server/request";

export const dynamic = "force-dynamic";

/**
 * The document names its server by the tenant host it was asked on (scheme from the socket or a
 * trusted proxy), never by a configured default; a host bound to no tenant gets 10007.
 */
export async function GET(req: Request) {
  const h = req.headers;
  if (!(await resolveTenant(db, requestHost(h)))) {
    const d = describeError(10007, pickLocale(readCookie(h.get("cookie"), LOCALE_COOKIE), h.get("accept-language")));
    const data = { code: "NOT_FOUND", httpStatus: d.status, appCode: d.code, name: d.name, description: d.description, fields: null };
    return Response.json({ message: d.description, code: "NOT_FOUND", data }, { status: d.status });
  }
  return Response.json({ ...openApiDocument(), servers: [{ url: `${requestOrigin(h)}/api/v1` }] });
}
