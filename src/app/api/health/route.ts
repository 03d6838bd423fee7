import { db, dbKind } from "~/server/db";
import pkg from "../../../../package.json" with { type: "json" };

export const dynamic = "force-dynamic";

export async function GET() {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), 3000));
  try {
    await Promise.race([db.$queryRaw`SELECT 1`, timeout]);
    return Response.json({ status: "ok", db: dbKind, version: pkg.version });
  } catch (e) {
    return Response.json(
      { status: "error", db: dbKind, version: pkg.version, error: e instanceof Error ? e.message : "unreachable" },
      { status: 503 },
    );
  }
}
