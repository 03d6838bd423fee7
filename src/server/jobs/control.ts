/**
 * Reading a long job (progress, steps, live log, result) and asking it to stop: the generic
 * job.get / job.cancel. The job's creator may always; anyone else needs the kind's own
 * permission (JobKind.permission) in the job's tenant, or to be a platform operator. Anyone
 * else is told the job does not exist (200027), whether or not it does.
 */
import type { Scope } from "~/server/services/scope";
import { AppError } from "~/server/errors";
import { hasPermission } from "~/lib/permissions";
import { auditActor, writeAudit } from "~/server/services/audit";
import type { JobProgress } from "~/lib/validators/job";
import { JOB_KINDS } from "~/server/jobs/queues";
import type { JobKind } from "~/server/jobs/job";

const select = {
  id: true,
  kind: true,
  tenantId: true,
  actorId: true,
  input: true,
  status: true,
  step: true,
  steps: true,
  done: true,
  total: true,
  log: true,
  error: true,
  result: true,
  cancelRequestedAt: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

const kindOf = (kind: string): JobKind | null => (Object.hasOwn(JOB_KINDS, kind) ? (JOB_KINDS[kind] as unknown as JobKind) : null);

/** The job if the caller may see it; 200027 otherwise. */
async function findJob(scope: Scope, id: string) {
  const row = await scope.db.job.findUnique({ where: { id }, select });
  if (!row) throw new AppError(200027);
  const { actor } = scope;
  if (actor.isOperator || row.actorId === actor.userId) return row;
  const kind = kindOf(row.kind);
  const sameTenant = row.tenantId !== null && row.tenantId === actor.tenantId && row.tenantId === scope.tenant.id;
  if (sameTenant && kind?.permission && hasPermission(actor.permissions, kind.permission)) return row;
  throw new AppError(200027);
}

export async function readJob(scope: Scope, id: string): Promise<JobProgress> {
  const { cancelRequestedAt, tenantId: _t, actorId: _a, input: _i, ...row } = await findJob(scope, id);
  return { ...row, cancelRequested: cancelRequestedAt !== null };
}

/**
 * Asks a job to stop: a queued one is cancelled at once; a running one is marked and its runner
 * stops at the next step (or through the step's signal) within about a second. 200028 once it ended.
 */
export async function cancelJob(scope: Scope, id: string): Promise<JobProgress> {
  const row = await findJob(scope, id);
  return scope.db.$transaction(async (tx) => {
    const queued = await tx.job.updateMany({
      where: { id, status: "queued" },
      data: { status: "cancelled", cancelRequestedAt: new Date(), finishedAt: new Date(), error: "Cancelled on request" },
    });
    if (!queued.count) {
      const running = await tx.job.updateMany({ where: { id, status: "running", cancelRequestedAt: null }, data: { cancelRequestedAt: new Date() } });
      if (!running.count) {
        const now = await tx.job.findUniqueOrThrow({ where: { id }, select: { status: true } });
        if (now.status !== "running") throw new AppError(200028);
      }
    }
    await writeAudit(
      tx,
      auditActor(scope, row.tenantId ?? scope.tenant.id),
      "job.cancel",
      id,
      { status: row.status },
      { kind: row.kind, cancelRequested: true },
    );
    const { cancelRequestedAt, tenantId: _t, actorId: _a, input: _i, ...after } = await tx.job.findUniqueOrThrow({ where: { id }, select });
    return { ...after, cancelRequested: cancelRequestedAt !== null };
  });
}
