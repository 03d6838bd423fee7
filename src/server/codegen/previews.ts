/**
 * Where previews live and how long: DATA_DIR/codegen/<tenant>/<run id>/, kept for
 * UC_CODEGEN_PREVIEW_TTL_HOURS (24) after the run ended. Past that a preview answers 200017
 * ("expired, generate it again") whether or not the sweep has removed its folder yet, and the
 * housekeeping sweep removes the folder — and any folder under the root that has no preview row
 * at all (its API was deleted, a crash left it) once it is as old.
 *
 * The sweep never follows a symbolic link: it walks the root with lstat, removes only real
 * directories exactly two levels below the root's real path, and `rm` unlinks a link inside a
 * folder instead of descending into it.
 */
import { lstat, readdir, realpath, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { env } from "~/env";
import { generationTimeoutMs } from "~/server/codegen/generate";

const HOUR = 3_600_000;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Run ids looked up per statement. */
const LOOKUP_CHUNK = 500;

/** DATA_DIR is read on each call (tests and the bench point it elsewhere). */
export const codegenRoot = () => path.resolve(env.DATA_DIR, "codegen");
export const previewFolder = (tenantId: string, runId: string) => path.join(codegenRoot(), tenantId, runId);

/** env.js validates it; with SKIP_ENV_VALIDATION (tests, scripts) it may arrive raw or unset. */
export function previewTtlMs(): number {
  const n = Number(env.UC_CODEGEN_PREVIEW_TTL_HOURS ?? 24);
  return (Number.isFinite(n) && n > 0 ? n : 24) * HOUR;
}

/** Whether a preview that ended at `endedAt` has outlived its retention at `now`. */
export const previewExpired = (endedAt: Date, now = new Date(), ttlMs = previewTtlMs()) => endedAt.getTime() < now.getTime() - ttlMs;

type Exec = Pick<Db, "$queryRaw">;

interface RunRow {
  id: string;
  status: string;
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * Removes the folders of previews older than `ttlMs` and folders without a preview row older
 * than `ttlMs` (by their mtime); at most `max` folders per call. Answers how many went.
 */
export async function removeExpiredPreviews(q: Exec, now: Date, ttlMs: number, max: number): Promise<number> {
  const realRoot = await realpath(codegenRoot()).catch(() => null);
  if (!realRoot) return 0;
  const cut = now.getTime() - ttlMs;
  // A row still "running" that long after its start was lost with its process; one that might
  // really be running (the generator's own time limit not yet passed) is never touched.
  const runningCut = Math.min(cut, now.getTime() - generationTimeoutMs());
  let removed = 0;
  for (const tenant of await readdir(realRoot, { withFileTypes: true })) {
    if (removed >= max) break;
    if (!tenant.isDirectory()) continue; // a Dirent is the entry itself: a link is never a directory here
    const tenantDir = path.join(realRoot, tenant.name);
    const runs = (await readdir(tenantDir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory());
    const rows = UUID_RE.test(tenant.name)
      ? await previewRows(
          q,
          tenant.name,
          runs.map((d) => d.name).filter((n) => UUID_RE.test(n)),
        )
      : new Map<string, RunRow>();
    let removedHere = 0;
    for (const run of runs) {
      if (removed >= max) break;
      const dir = path.join(tenantDir, run.name);
      const row = rows.get(run.name);
      const expired = row
        ? row.status === "running"
          ? row.createdAt.getTime() < runningCut
          : (row.finishedAt ?? row.createdAt).getTime() < cut
        : ((await lstat(dir).catch(() => null))?.mtime.getTime() ?? Infinity) < cut;
      if (expired && (await removeRunFolder(realRoot, dir))) {
        removed++;
        removedHere++;
      }
    }
    // A tenant's folder this sweep emptied, or empty for as long, goes too (rmdir refuses one a preview has just written into).
    const left = await readdir(tenantDir).catch(() => null);
    const st = await lstat(tenantDir).catch(() => null);
    if (left?.length === 0 && st?.isDirectory() && (removedHere > 0 || st.mtime.getTime() < cut)) await rmdir(tenantDir).catch(() => undefined);
  }
  return removed;
}

async function previewRows(q: Exec, tenantId: string, ids: string[]): Promise<Map<string, RunRow>> {
  const rows = new Map<string, RunRow>();
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const chunk = ids.slice(i, i + LOOKUP_CHUNK);
    const found = await q.$queryRaw<RunRow[]>`
      SELECT "id"::text AS "id", "status"::text AS "status", "createdAt", "finishedAt" FROM "CodegenHistory"
       WHERE "tenantId" = ${tenantId}::uuid AND "kind" = 'preview' AND "id" IN (${Prisma.join(chunk.map((id) => Prisma.sql`${id}::uuid`))})`;
    for (const r of found) rows.set(r.id, r);
  }
  return rows;
}

/** Removes `dir` only if it is a real directory exactly <root>/<tenant>/<run>, reached through no link. */
async function removeRunFolder(realRoot: string, dir: string): Promise<boolean> {
  if (path.dirname(path.dirname(dir)) !== realRoot) return false;
  const st = await lstat(dir).catch(() => null);
  if (!st?.isDirectory()) return false;
  if ((await realpath(dir).catch(() => null)) !== dir) return false;
  await rm(dir, { recursive: true, force: true });
  return true;
}
