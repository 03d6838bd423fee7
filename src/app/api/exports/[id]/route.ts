import { db } from "~/server/db";
import { createContext } from "~/server/api/context";
import { downloadExport } from "~/server/exports/service";

export const dynamic = "force-dynamic";

/** The finished file of one of my export jobs (session cookie or bearer token, like /api/v1). */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await createContext(req);
  return downloadExport(db, ctx.actor, id, ctx.locale);
}
