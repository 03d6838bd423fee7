/**
 * The gateway's traffic counts (GatewayStat): each call adds to a counter in memory, keyed by
 * minute, API resource, version and client; every few seconds the counters go to the database in
 * one statement (an upsert adding to what other instances wrote), and once more when the server
 * is told to stop. A call never waits for a write; an instance that crashes loses at most its
 * last few seconds of counts.
 */
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { currentLog } from "~/server/log";

interface Counter {
  tenantId: string;
  apiResourceId: string;
  minute: number;
  version: string;
  clientId: string;
  calls: number;
  clientErrors: number;
  serverErrors: number;
  totalMs: number;
}

const FLUSH_MS = 5_000;
const pending = new Map<string, Counter>();
let target: Db | null = null;
let timer: NodeJS.Timeout | null = null;
let hooked = false;

export interface CallRecord {
  tenantId: string;
  apiResourceId: string;
  version: string;
  clientId: string;
  status: number;
  ms: number;
}

/** Counts one call (no I/O). */
export function recordCall(db: Db, c: CallRecord, now = Date.now()) {
  target = db;
  const minute = Math.floor(now / 60_000);
  const key = `${c.apiResourceId}\u0000${minute}\u0000${c.version}\u0000${c.clientId}`;
  let row = pending.get(key);
  if (!row) {
    row = {
      tenantId: c.tenantId,
      apiResourceId: c.apiResourceId,
      minute,
      version: c.version,
      clientId: c.clientId,
      calls: 0,
      clientErrors: 0,
      serverErrors: 0,
      totalMs: 0,
    };
    pending.set(key, row);
  }
  row.calls++;
  if (c.status >= 500) row.serverErrors++;
  else if (c.status >= 400) row.clientErrors++;
  row.totalMs += c.ms;
  timer ??= setTimeout(() => void flushGatewayStats(), FLUSH_MS).unref();
  // server.mjs stops on SIGTERM after closing the app: write what is pending then too. (Only
  // beside a handler of its own: a lone listener would keep the signal from ending the process.)
  if (!hooked && process.listenerCount("SIGTERM") > 0) {
    hooked = true;
    process.once("SIGTERM", () => void flushGatewayStats());
  }
}

/** Writes the pending counters (tests and shutdown call it; otherwise a timer does). */
export async function flushGatewayStats(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  if (!target || !pending.size) return;
  const rows = [...pending.values()];
  pending.clear();
  const values = Prisma.join(
    rows.map(
      (r) =>
        Prisma.sql`(${r.tenantId}::uuid, ${r.apiResourceId}::uuid, ${r.minute}::int, ${r.version}, ${r.clientId}, ${r.calls}::int, ${r.clientErrors}::int, ${r.serverErrors}::int, ${Math.round(r.totalMs)}::bigint)`,
    ),
  );
  try {
    await target.$executeRaw`
      INSERT INTO "GatewayStat" ("tenantId", "apiResourceId", "minute", "version", "clientId", "calls", "clientErrors", "serverErrors", "totalMs")
      VALUES ${values}
      ON CONFLICT ("apiResourceId", "minute", "version", "clientId") DO UPDATE SET
        "calls" = "GatewayStat"."calls" + EXCLUDED."calls",
        "clientErrors" = "GatewayStat"."clientErrors" + EXCLUDED."clientErrors",
        "serverErrors" = "GatewayStat"."serverErrors" + EXCLUDED."serverErrors",
        "totalMs" = "GatewayStat"."totalMs" + EXCLUDED."totalMs"`;
  } catch (err) {
    currentLog().error({ err, rows: rows.length }, "gateway stats not written");
  }
}
