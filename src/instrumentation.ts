/**
 * Next calls register() once per server process. Before anything is served, the instance checks
 * that its keys are the ones the database was started with (a misconfigured instance exits with
 * the message saying which variable to set) and that a signing key exists; then it publishes the
 * API handlers for server.mjs's direct path (src/server/api/http.ts), tells server.mjs it may
 * listen, and the job runner (exports, bulk actions) and the housekeeping sweep start inside the
 * app (UC_EXPORT_WORKER=off / UC_HOUSEKEEPING=off leave them to other instances).
 */
import type { AppReady } from "~/server/http-front.js";

export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // One import for all of it (see src/server/boot.ts).
  const boot = await import("~/server/boot");
  const { db, dbKind } = boot;
  try {
    await boot.checkInstanceSecrets(db);
    await boot.ensureSigningKey(db);
  } catch (e) {
    // Fail closed: an instance that cannot confirm its keys does not serve.
    // Plain text on stderr, like the seed's refusal: the operator reads it before any log pipeline.
    console.error(`Refusing to start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  // From here server.mjs answers /api/v1 and /api/trpc with the routes' own handlers, without Next's router.
  boot.publishFastApi();
  // The background jobs start once server.mjs has warmed the sign-in page (off the start's
  // critical path: their first rounds are the query compiler's first queries), or at once
  // without server.mjs in front (`next start`).
  const start = (what: string, run: () => unknown) => {
    try {
      run();
    } catch (e) {
      console.error(`${what} did not start: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  let started = false;
  const background = () => {
    if (started) return;
    started = true;
    if (process.env.UC_EXPORT_WORKER !== "off") start("The job runner", () => boot.startJobRunner(db));
    if (process.env.UC_HOUSEKEEPING !== "off") start("Housekeeping", () => boot.startHousekeeping(db, dbKind));
  };
  // server.mjs starts listening now (it waits for this: see APP_READY).
  const ready = (globalThis as Record<symbol, unknown>)[boot.APP_READY];
  if (typeof ready === "function") {
    (ready as (r: AppReady) => void)({ warmed: () => setImmediate(background) });
    // A warm-up that never ends does not keep the jobs from running.
    setTimeout(background, 30_000).unref();
  } else setImmediate(background);
}
