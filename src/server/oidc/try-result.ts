/**
 * A Try it run's stored result (written by try.ts's callback), read by the console's
 * `client.tryResult`. Its own module, so the API routers do not load the request code try.ts needs.
 */
import type { Db } from "~/server/db";
import type { TryRun } from "~/lib/validators/client-try";

export const TRY_RESULT_MODEL = "UcTryResult";

/** The run's result for the user who started it, on the client it ran against; null otherwise (or once expired). */
export async function readTryResult(db: Db, tenantId: string, runId: string, clientRowId: string, userId: string): Promise<TryRun | null> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(runId)) return null;
  const [row] = await db.$queryRaw<{ payload: TryRun & { userId: string; clientRowId: string } }[]>`
    SELECT "payload" FROM "OidcPayload"
     WHERE "model" = ${TRY_RESULT_MODEL} AND "id" = ${runId} AND "tenantId" = ${tenantId}::uuid AND "expiresAt" > now()`;
  if (!row || row.payload.clientRowId !== clientRowId || row.payload.userId !== userId) return null;
  const { userId: _u, clientRowId: _c, ...run } = row.payload;
  return run;
}
