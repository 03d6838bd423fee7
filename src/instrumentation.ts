/**
 * Next calls register() once per server process. Before anything is served, the instance checks
 * that its keys are the ones the database was started with (a misconfigured instance exits with
 * the message saying which variable to set) and that a signing key exists; then it publishes the
 * API handlers for server.mjs's direct path (src/server/api/http.ts), and the job runner
 * (exports, bulk actions) and the housekeeping sweep start inside the app (UC_EXPORT_WORKER=off / UC_HOUSEKEEPING=off
 * leave them to other instances).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // The API's modules load while the keys are checked; they are published only once those pass.
  const api = import("~/server/api/http");
  api.catch(() => {}); // awaited below; a failure then stops the start like any other
  const [{ db, dbKind }, { checkInstanceSecrets }, { ensureSigningKey }] = await Promise.all([
    import("~/server/db"),
    import("~/server/startup"),
    import("~/server/services/tokens"),
  ]);
  try {
    await checkInstanceSecrets(db);
    await ensureSigningKey(db);
  } catch (e) {
    // Fail closed: an instance that cannot confirm its keys does not serve.
    // Plain text on stderr, like the seed's refusal: the operator reads it before any log pipeline.
    console.error(`Refusing to start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  // From here server.mjs answers /api/v1 and /api/trpc with the routes' own handlers, without Next's router.
  (await api).publishFastApi();
  // server.mjs starts listening now (it waits for this: see APP_READY).
  const { APP_READY } = await import("~/server/http-front.js");
  const ready = (globalThis as Record<symbol, unknown>)[APP_READY];
  if (typeof ready === "function") ready();
  // The background jobs start once their modules have loaded, without holding up the first request.
  const failed = (what: string) => (e: unknown) => console.error(`${what} did not start: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.UC_EXPORT_WORKER !== "off") void import("~/server/jobs/queues").then(({ startJobRunner }) => startJobRunner(db), failed("The job runner"));
  if (process.env.UC_HOUSEKEEPING !== "off")
    void import("~/server/jobs/housekeeping").then(({ startHousekeeping }) => startHousekeeping(db, dbKind), failed("Housekeeping"));
}
