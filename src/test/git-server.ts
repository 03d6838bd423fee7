/**
 * A real Git server for tests and benches: Debian's `git http-backend` (smart HTTP) behind a small
 * node:http bridge on a random loopback port, one bare repository in a temp folder. Every request
 * needs Basic auth whose password is the token (any other answers 401, so a wrong token pushes
 * nothing). Pushes are enabled (REMOTE_USER is set for authenticated requests).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";

export interface TestGitServer {
  /** The repository's URL (no credentials in it). */
  url: string;
  user: string;
  token: string;
  /** The bare repository on disk. */
  repoDir: string;
  /** How many requests were refused for their credentials. */
  refused: number;
  close(): Promise<void>;
}

/** Runs git (async: never block the loop that serves the bridge), answering its stdout. */
export function gitCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: cwd, GIT_TERMINAL_PROMPT: "0", ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`git ${args[0]} failed (${code}): ${err.trim()}`))));
  });
}

function backend(root: string, req: IncomingMessage, res: ServerResponse, user: string) {
  const url = new URL(req.url ?? "/", "http://x");
  const child = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH ?? "",
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      REMOTE_USER: user,
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      ...(req.headers["content-length"] ? { CONTENT_LENGTH: req.headers["content-length"] } : {}),
      ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: req.headers["content-encoding"] } : {}),
      GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["pipe", "pipe", "pipe"],
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let started = false;
  child.stdout.on("data", (d: Buffer) => {
    if (started) return void res.write(d);
    head = Buffer.concat([head, d]);
    let end = head.indexOf("\r\n\r\n");
    let sep = 4;
    if (end < 0) {
      end = head.indexOf("\n\n");
      sep = 2;
    }
    if (end < 0) return;
    started = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString().split(/\r?\n/)) {
      const i = line.indexOf(":");
      if (i < 0) continue;
      const k = line.slice(0, i).trim();
      const v = line.slice(i + 1).trim();
      if (k.toLowerCase() === "status") status = Number.parseInt(v, 10);
      else res.setHeader(k, v);
    }
    res.writeHead(status);
    res.write(head.subarray(end + sep));
  });
  child.stdout.on("end", () => res.end());
  child.on("error", () => res.writeHead(500).end());
}

export async function startGitServer(opts: { user?: string; token?: string; repo?: string; host?: string } = {}): Promise<TestGitServer> {
  const root = await mkdtemp(path.join(os.tmpdir(), "uc-git-"));
  const repo = opts.repo ?? "sdk.git";
  const repoDir = path.join(root, repo);
  await gitCli(["init", "--bare", "--initial-branch=main", repoDir], root);
  const user = opts.user ?? "sdk-bot";
  const token = opts.token ?? "git-token-0123456789";
  const expected = `Basic ${Buffer.from(`${user}:${token}`).toString("base64")}`;
  const state = { refused: 0 };
  const server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      if (req.headers.authorization) state.refused++;
      req.resume();
      return void res.writeHead(401, { "www-authenticate": 'Basic realm="git"', "content-type": "text/plain" }).end("Unauthorized");
    }
    backend(root, req, res, user);
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((r) => server.listen(0, host, r));
  const url = `http://${host}:${(server.address() as AddressInfo).port}/${repo}`;
  return {
    url,
    user,
    token,
    repoDir,
    get refused() {
      return state.refused;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await rm(root, { recursive: true, force: true });
    },
  };
}
