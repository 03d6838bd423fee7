/**
 * Bulk actions on users: lock, unlock, add / remove a role, disable, enable, delete — on chosen
 * ids or on every user matching the list's filter. Each user goes through the single action's
 * own service function (its checks, its transaction, its audit row): a user it refuses (another
 * tenant's, the actor themself, the last administrator, already so) is skipped with that error's
 * code, and nothing of that user is half-written. Up to USER_BULK_INLINE_MAX ids run inside the
 * request; more, or a filter, run as a `user.bulk` job on the job runner with progress. The bulk
 * request itself is one more audit row (`user.bulk`).
 */
import { z } from "zod";
import type { Db } from "~/server/db";
import { AppError } from "~/server/errors";
import { hasPermission, type PermissionCode } from "~/lib/permissions";
import { msg } from "~/lib/validators/common";
import {
  USER_BULK_ACTIONS,
  USER_BULK_IDS_MAX,
  USER_BULK_INLINE_MAX,
  userListInput,
  userUpdateInput,
  type UserBulkAction,
  type UserBulkJob,
  type UserBulkOutcome,
  type userBulkInput,
} from "~/lib/validators/user";
import type { AppErrorCode } from "~/lib/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import { systemScope, tenantWhere, type Scope } from "~/server/services/scope";
import { accountLockedUntil } from "~/server/security/throttle";
import { changeUserRoles, deleteUser, listUserIds, lockUser, unlockUser, updateUser } from "~/server/services/user";
import { enqueueJob, type JobKind } from "~/server/jobs/job";
import { jobActor } from "~/server/jobs/runner";
import type { Prisma } from "~/generated/prisma/client";

export const USER_BULK_KIND = "user.bulk";

/** Each action needs what its single-user procedure needs. */
export const BULK_PERMISSION: Record<UserBulkAction, PermissionCode> = {
  lock: "uc.user.lock",
  unlock: "uc.user.unlock",
  addRole: "uc.user.put",
  removeRole: "uc.user.put",
  disable: "uc.user.put",
  enable: "uc.user.put",
  delete: "uc.user.delete",
};

/** Users read and changed per step (and per progress write) of a job. */
const STEP = 100;

interface Params {
  action: UserBulkAction;
  roleId?: string;
  until?: Date;
}

/** Changed and skipped counts, the skips by reason (an AppError code). */
class Outcome {
  changed = 0;
  skipped = 0;
  private reasons = new Map<number, number>();
  /** Carries on from a checkpoint's counts. */
  static from(o: UserBulkOutcome | null | undefined) {
    const out = new Outcome();
    if (o) {
      out.changed = o.changed;
      out.skipped = o.skipped;
      for (const r of o.reasons) out.reasons.set(r.code, r.count);
    }
    return out;
  }
  skip(code: number) {
    this.skipped++;
    this.reasons.set(code, (this.reasons.get(code) ?? 0) + 1);
  }
  get done() {
    return this.changed + this.skipped;
  }
  toJSON(): UserBulkOutcome {
    return {
      changed: this.changed,
      skipped: this.skipped,
      reasons: [...this.reasons].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code - b.code),
    };
  }
}

const UNCHANGED = 15005 satisfies AppErrorCode;

/** One user through the single action's own service function; answers the skip's code, or null when changed. */
async function applyOne(scope: Scope, p: Params, id: string): Promise<number | null> {
  try {
    switch (p.action) {
      case "lock":
        await lockUser(scope, id, p.until!);
        break;
      case "unlock":
        await unlockUser(scope, id);
        break;
      case "addRole":
        await changeUserRoles(scope, id, (ids) => [...ids, p.roleId!]);
        break;
      case "removeRole":
        await changeUserRoles(scope, id, (ids) => ids.filter((r) => r !== p.roleId));
        break;
      case "disable":
      case "enable":
        await updateUser(scope, userUpdateInput.parse({ id, status: p.action === "disable" ? "disabled" : "active" }));
        break;
      case "delete":
        await deleteUser(scope, id);
        break;
    }
    return null;
  } catch (e) {
    if (e instanceof AppError) return e.appCode;
    scope.log.error({ err: e, userId: id, action: p.action }, "bulk action failed for one user");
    return 10000;
  }
}

/**
 * A step of users: those the caller may not see (another tenant's, unknown) are skipped as not
 * found without being touched; those already as asked are skipped as unchanged (the single action
 * would write an audit row saying nothing changed); the rest one by one.
 */
async function applyMany(scope: Scope, p: Params, ids: string[], out: Outcome) {
  const unique = [...new Set(ids)];
  const rows = await scope.db.user.findMany({
    where: { AND: [{ id: { in: unique } }, tenantWhere(scope)] },
    select: { id: true, tenantId: true, status: true, deletedAt: true, roles: { select: { roleId: true } } },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of unique) {
    const row = byId.get(id);
    if (!row) {
      out.skip(15001);
      continue;
    }
    const has = row.roles.some((r) => r.roleId === p.roleId);
    const already =
      !row.deletedAt &&
      ((p.action === "disable" && row.status === "disabled") ||
        (p.action === "enable" && row.status === "active") ||
        (p.action === "addRole" && has) ||
        (p.action === "removeRole" && !has) ||
        (p.action === "unlock" && !(await accountLockedUntil(scope.db, row.tenantId, id))));
    if (already) {
      out.skip(UNCHANGED);
      continue;
    }
    const code = await applyOne(scope, p, id);
    if (code === null) out.changed++;
    else out.skip(code);
  }
}

/** 403 unless the actor may do the single action; as the procedure guard words it. */
function assertMay(actor: Scope["actor"], action: UserBulkAction) {
  if (!hasPermission(actor.permissions, BULK_PERMISSION[action])) throw new AppError(actor.client ? 17005 : 10002);
}

/** What a job keeps of its request: the action and its users, and who asked from where (for the users' audit rows). */
const jobInput = z.object({
  action: z.enum(USER_BULK_ACTIONS),
  roleId: z.uuid().optional(),
  until: z.coerce.date().optional(),
  ids: z.array(z.uuid()).max(USER_BULK_IDS_MAX).optional(),
  filter: userListInput.optional(),
  locale: z.enum(["zh-CN", "en"]),
  audit: z.object({ ip: z.string().nullable(), userAgent: z.string().nullable(), reqId: z.string().nullable() }),
});
type JobInput = z.output<typeof jobInput>;

/** The result while a job runs: the counts so far and where to carry on (the next id's index, or the list's cursor). */
const checkpoint = z.object({
  changed: z.number().int(),
  skipped: z.number().int(),
  reasons: z.array(z.object({ code: z.number().int(), count: z.number().int() })),
  resume: z.union([z.object({ at: z.number().int().min(0) }), z.object({ cursor: z.string().max(500) })]),
});

const dropPaging = (f: z.output<typeof userListInput>) => {
  const { cursor: _c, skip: _s, take: _t, ...rest } = f;
  return rest;
};

/** Runs a user.bulk job: as its creator now is (rights read again), in steps with progress and the outcome so far. */
export const userBulkJob: JobKind<JobInput> = {
  input: jobInput,
  run: async (db: Db, job, row, input) => {
    const actor = await jobActor(db, row.actorId, row.tenantId);
    const scope = systemScope(db, actor, { tenantId: row.tenantId ?? undefined, locale: input.locale, audit: input.audit });
    // Rights lost since the job was queued: nobody is touched.
    assertMay(scope.actor, input.action);
    const p: Params = { action: input.action, roleId: input.roleId, until: input.until };
    // A job taken over from a crashed instance carries on from its last progress write (the users
    // after it are done again: those already changed are then skipped as unchanged).
    const stored = await db.job.findUniqueOrThrow({ where: { id: job.id }, select: { result: true, total: true } });
    const prev = checkpoint.safeParse(stored.result);
    const out = Outcome.from(prev.success ? prev.data : null);
    const save = (resume: z.infer<typeof checkpoint>["resume"]) => ({ ...out.toJSON(), resume }) as unknown as Prisma.InputJsonValue;
    if (input.ids) {
      const ids = [...new Set(input.ids)];
      const from = prev.success && "at" in prev.data.resume ? prev.data.resume.at : 0;
      for (let i = from; i < ids.length; i += STEP) {
        await applyMany(scope, p, ids.slice(i, i + STEP), out);
        await job.progress(out.done, ids.length, { result: save({ at: i + STEP }) });
      }
    } else {
      const filter = { ...input.filter!, skip: 0, cursor: undefined };
      let cursor: string | null = prev.success && "cursor" in prev.data.resume ? prev.data.resume.cursor : null;
      let total: number | null = cursor ? stored.total : null;
      do {
        const page: Awaited<ReturnType<typeof listUserIds>> = await listUserIds(scope, filter, cursor, STEP);
        total ??= page.total;
        cursor = page.nextCursor;
        await applyMany(scope, p, page.ids, out);
        if (cursor) await job.progress(out.done, Math.max(total ?? 0, out.done), { result: save({ cursor }) });
      } while (cursor);
    }
    await job.finish({ result: out.toJSON() as unknown as Prisma.InputJsonValue, done: out.done, total: out.done });
  },
};

type BulkInput = z.output<typeof userBulkInput>;

/**
 * The bulk request: checks the action's permission and its parameters once, then runs up to
 * USER_BULK_INLINE_MAX ids at once (answering the outcome) or queues a job (answering it).
 */
export async function bulkUsers(scope: Scope, input: BulkInput): Promise<{ outcome: UserBulkOutcome | null; job: UserBulkJob | null }> {
  const { db } = scope;
  assertMay(scope.actor, input.action);
  if (input.action === "lock" && input.until!.getTime() <= Date.now()) throw new AppError(10003, { until: [msg("lockInFuture")] });
  if (input.roleId) {
    // The role must be one of the tenant's (an operator's: of the tenant the filter names, or any).
    const role = await db.role.findFirst({ where: { id: input.roleId, ...tenantWhere(scope, input.filter?.tenantId) }, select: { id: true } });
    if (!role) throw new AppError(16001);
  }
  const p: Params = { action: input.action, roleId: input.roleId, until: input.until };
  const filter = input.filter ? dropPaging(input.filter) : undefined;
  const target = input.ids ? { ids: input.ids.length } : { filter };
  const inline = !!input.ids && new Set(input.ids).size <= USER_BULK_INLINE_MAX;

  if (inline) {
    const out = new Outcome();
    await applyMany(scope, p, input.ids!, out);
    const outcome = out.toJSON();
    await writeAudit(db, auditActor(scope), "user.bulk", null, undefined, {
      action: input.action,
      roleId: input.roleId,
      until: input.until,
      ...target,
      ...outcome,
    });
    return { outcome, job: null };
  }
  // A client's rights are its token's: a job, run later as a user, could not keep to them.
  if (scope.actor.client) throw new AppError(10003, { ids: [msg("bulkInlineOnly")] });
  const job = await db.$transaction(async (tx) => {
    const queued = await enqueueJob(tx, USER_BULK_KIND, userBulkJob, {
      tenantId: scope.actor.isOperator ? (input.filter?.tenantId ?? scope.actor.tenantId) : scope.actor.tenantId,
      actorId: scope.actor.userId,
      input: {
        action: input.action,
        roleId: input.roleId,
        until: input.until,
        ids: input.ids,
        filter: input.filter ? { ...input.filter, skip: 0, cursor: undefined } : undefined,
        locale: scope.locale,
        audit: { ip: scope.audit.ip, userAgent: scope.audit.userAgent, reqId: scope.audit.reqId ?? null },
      },
    });
    await writeAudit(tx, auditActor(scope), "user.bulk", queued.id, undefined, {
      action: input.action,
      roleId: input.roleId,
      until: input.until,
      ...target,
      job: queued.id,
    });
    return queued;
  });
  return { outcome: null, job: await getBulkJob(scope, job.id) };
}

const viewSelect = {
  id: true,
  input: true,
  status: true,
  total: true,
  done: true,
  result: true,
  error: true,
  createdAt: true,
  finishedAt: true,
} satisfies Prisma.JobSelect;

function toView(r: Prisma.JobGetPayload<{ select: typeof viewSelect }>): UserBulkJob {
  const action = (r.input as { action?: UserBulkAction } | null)?.action;
  const res = r.result as UserBulkOutcome | null;
  return {
    id: r.id,
    action: action && USER_BULK_ACTIONS.includes(action) ? action : "lock",
    status: r.status,
    total: r.total,
    done: r.done,
    outcome: res && typeof res.changed === "number" ? { changed: res.changed, skipped: res.skipped, reasons: res.reasons ?? [] } : null,
    error: r.error,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
  };
}

/** A bulk job of the caller's own; anyone else's is a 404, as if it did not exist. */
export async function getBulkJob(scope: Scope, id: string): Promise<UserBulkJob> {
  const row = await scope.db.job.findFirst({ where: { id, kind: USER_BULK_KIND, actorId: scope.actor.userId }, select: viewSelect });
  if (!row) throw new AppError(10004);
  return toView(row);
}

/** The caller's latest bulk jobs, newest first (the console's job status area). */
export async function listBulkJobs(scope: Scope, take = 5): Promise<UserBulkJob[]> {
  const rows = await scope.db.job.findMany({
    where: { kind: USER_BULK_KIND, actorId: scope.actor.userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: viewSelect,
  });
  return rows.map(toView);
}
