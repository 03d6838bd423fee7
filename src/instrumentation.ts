/**
 * Next calls register() once per server process. Before anything is served, the instance checks
 * that its keys are the ones the database was started with (a misconfigured instance exits with
 * the message saying which variable to set) and that a signing key exists; then the export worker
 * starts inside the app.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ db }, { checkInstanceSecrets }, { ensureSigningKey }] = await Promise.all([
    import("~/server/db"),
    import("~/server/startup"),
    import("~/server/services/tokens"),
  ]);
  try {
    await checkInstanceSecrets(db);
    await ensureSigningKey(db);
  } catch (e) {
    // Fail closed: an instance that cannot confirm its keys does not serve.
    console.error(`Refusing to start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  if (process.env.UC_EXPORT_WORKER === "off") return;
  const { startExportWorker } = await import("~/server/exports/worker");
  startExportWorker(db);
}
