import { openApiDocument } from "~/server/api/openapi";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  const origin = new URL(req.url).origin;
  return Response.json({ ...openApiDocument(), servers: [{ url: `${origin}/api/v1` }] });
}
