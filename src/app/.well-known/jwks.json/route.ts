import { db } from "~/server/db";
import { publicJwks } from "~/server/services/tokens";

export const dynamic = "force-dynamic";

export async function GET() {
  return Response.json(await publicJwks(db), { headers: { "cache-control": "public, max-age=300" } });
}
