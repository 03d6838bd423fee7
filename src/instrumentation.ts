/**
 * Next calls register() once per server process: the export worker and the housekeeping sweep
 * run inside the app (UC_EXPORT_WORKER=off / UC_HOUSEKEEPING=off leave them to other instances).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const workers = process.env.UC_EXPORT_WORKER !== "off";
  const sweeps = process.env.UC_HOUSEKEEPING !== "off";
  if (!workers && !sweeps) return;
  const [{ db, dbKind }, { startExportWorker }, { startHousekeeping }] = await Promise.all([
    import("~/server/db"),
    import("~/server/exports/worker"),
    import("~/server/jobs/housekeeping"),
  ]);
  if (workers) startExportWorker(db);
  if (sweeps) startHousekeeping(db, dbKind);
}
