/**
 * A real npm registry for tests and benches: verdaccio 6.8.0 (the last for Node 20) in this
 * process, on a random loopback port, with its own temp storage, no uplinks (nothing leaves the
 * machine) and htpasswd auth: one user is registered through the registry's own adduser call and
 * its token returned. Everything needs a login (no anonymous read or publish).
 * Never spawn npm synchronously while it runs: the registry answers from this process's event loop.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

export interface TestRegistry {
  url: string;
  user: string;
  password: string;
  token: string;
  storage: string;
  /** The versions it holds of a package ([] when none). */
  versions(name: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startNpmRegistry(opts: { user?: string; password?: string; host?: string } = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "uc-verdaccio-"));
  const storage = path.join(dir, "storage");
  const { runServer } = (await import("verdaccio")) as unknown as { runServer: (c: unknown) => Promise<Server> };
  const access = { access: "$authenticated", publish: "$authenticated", unpublish: "$authenticated" };
  const app = await runServer({
    self_path: path.join(dir, "config.yaml"),
    storage,
    plugins: path.join(dir, "plugins"),
    auth: { htpasswd: { file: path.join(dir, "htpasswd"), max_users: 100, algorithm: "bcrypt", rounds: 4 } },
    uplinks: {},
    packages: { "@*/*": access, "**": access },
    web: { enable: false },
    log: { type: "stdout", format: "pretty", level: "fatal" },
    security: { api: { legacy: true } },
    server: { keepAliveTimeout: 5 },
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = (app as unknown as { listen: (p: number, h: string, cb: () => void) => Server }).listen(0, opts.host ?? "127.0.0.1", () => resolve(s));
    s.on("error", reject);
  });
  const url = `http://${opts.host ?? "127.0.0.1"}:${(server.address() as AddressInfo).port}/`;
  const user = opts.user ?? "sdk-bot";
  const password = opts.password ?? "sdk-bot-password-1";
  const res = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: user, password, type: "user", roles: [], date: new Date().toISOString() }),
  });
  const body = (await res.json()) as { token?: string; error?: string };
  if (!res.ok || !body.token) throw new Error(`verdaccio adduser failed: ${res.status} ${body.error ?? ""}`);
  const token = body.token;
  return {
    url,
    user,
    password,
    token,
    storage,
    async versions(name) {
      const r = await fetch(`${url}${name.replace("/", "%2f")}`, { headers: { authorization: `Bearer ${token}` } });
      if (r.status === 404) return [];
      return Object.keys(((await r.json()) as { versions?: object }).versions ?? {});
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
