import type { NextRequest } from "next/server";
import { routeHandlerFor } from "~/server/files/handler";

export const dynamic = "force-dynamic";

/**
 * uploadthing knows no 401: its FORBIDDEN is 403 whether the caller is anonymous or lacks the
 * permission. Our error body says which (appCode 10001: not signed in), so answer 401 for that.
 */
async function withOurStatus(res: Response): Promise<Response> {
  if (res.status !== 403) return res;
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as { appCode?: unknown } | null;
  if (body?.appCode !== 10001) return res;
  return new Response(res.body, { status: 401, headers: res.headers });
}

/** uploadthing's route: the router config (GET), presigned uploads and ingest callbacks (POST). */
export const GET = (req: NextRequest) => routeHandlerFor(req).GET(req);
export const POST = async (req: NextRequest) => withOurStatus(await routeHandlerFor(req).POST(req));
