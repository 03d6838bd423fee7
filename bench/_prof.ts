// temporary: profile GET /api/v1/users on the kept 1M database
import { httpClient, startApp, sequential, fmt } from "./lib";
import { md5Hex } from "~/server/password";
import pg from "pg";
const url = "postgresql://postgres@127.0.0.1:5432/uc_exp_1m";
const c = new pg.Client({ connectionString: url }); await c.connect();
const { hashPassword } = await import("~/server/password");
await c.query(`UPDATE "User" SET "passwordHash" = $1 WHERE "userName" = 'benchadmin'`, [await hashPassword("bench admin passphrase")]);
await c.end();
const app = await startApp(3399, url);
try {
  const http = httpClient(app.base);
  const login = await http("POST", "/api/v1/login/AddNoginr", { headers: { "content-type": "application/json" }, body: JSON.stringify({ ustr: "benchadmin", pwd: md5Hex("bench admin passphrase") }) });
  const token = (JSON.parse(login.body) as any).result.token;
  const auth = { authorization: `Bearer ${token}` };
  for (const path of (process.env.PATHS ?? "/api/v1/users?take=20").split(",")) {
    const get = async () => { const r = await http("GET", path, { headers: auth }); if (r.status !== 200) throw new Error(r.body); };
    for (let i = 0; i < 30; i++) await get();
    const s = await sequential(Number(process.env.N ?? 200), get);
    console.log(path, "p50", fmt(s.p50), "p99", fmt(s.p99));
  }
} finally { app.stop(); await new Promise((r) => setTimeout(r, 1500)); }
