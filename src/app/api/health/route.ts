import { db, dbKind } from "~/server/db";
import { checkHealth } from "~/server/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth(db, dbKind);
  return Response.json(health, { status: health.status === "ok" ? 200 : 503 });
}
