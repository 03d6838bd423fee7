/** Next calls register() once per server process: the export worker runs inside the app. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.UC_EXPORT_WORKER === "off") return;
  const [{ db }, { startExportWorker }] = await Promise.all([import("~/server/db"), import("~/server/exports/worker")]);
  startExportWorker(db);
}
