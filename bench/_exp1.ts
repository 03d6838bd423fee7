import { randomBytes } from "node:crypto";
import { createScratchDatabase, dropScratchDatabase } from "~/test/scratch-db";
import { migrateDatabase } from "~/server/db/migrate";
import { httpClient, startApp, treeCpuSeconds } from "./lib";
const SERVER = "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `uc_e_${randomBytes(3).toString("hex")}`;
const url = await createScratchDatabase(SERVER, name);
await migrateDatabase({ kind: "postgresql", url });
const app = await startApp(3331, url);
const h = httpClient(app.base);
async function m(label: string, pid: number, path: string) {
  for (let i = 0; i < 300; i++) await h("GET", path);
  const c0 = treeCpuSeconds(pid);
  const t0 = performance.now();
  const N = 2000;
  let next = 0;
  await Promise.all(
    [0, 1, 2, 3].map(async () => {
      while (next++ < N) await h("GET", path);
    }),
  );
  console.log(label.padEnd(30), (((treeCpuSeconds(pid) - c0) / N) * 1000).toFixed(3), "ms CPU/call", (N / ((performance.now() - t0) / 1000)).toFixed(0), "/s");
}
try {
  for (const p of (process.env.PATHS ?? "/api/malformed-path,/api/health,/robots.txt").split(",")) await m(p, app.pid, p);
} finally {
  app.stop();
  await dropScratchDatabase(SERVER, name);
}
