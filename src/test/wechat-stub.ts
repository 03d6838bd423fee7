/**
 * A loopback stand-in for WeChat's OAuth servers (open.weixin.qq.com + api.weixin.qq.com on one
 * port), speaking the real protocol: HTTP 200 with `{ errcode, errmsg }` on errors, single-use
 * codes that expire after 5 minutes, access tokens that expire after 7200 s.
 *
 * Tests mint codes directly (`issueCode`, `issueJsCode`); browser tests go through
 * `/connect/qrconnect` (a page with a "scan" form) or straight to `/stub/scan`, which redirects
 * to the app like a confirmed scan. `failNext` makes the next call of a path fail on purpose.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface StubUser {
  openid: string;
  unionid?: string;
  nickname?: string;
  headimgurl?: string;
}

export type StubFailure = { errcode: number; errmsg?: string } | { status: number; body: string } | "hang";

export interface WechatStub {
  url: string;
  close(): Promise<void>;
  issueCode(user: StubUser, appId: string): string;
  issueJsCode(user: StubUser, appId: string): string;
  /** The next request to `path` (e.g. "/sns/jscode2session") gets this answer instead. */
  failNext(path: string, failure: StubFailure): void;
  requests: Array<{ path: string; query: Record<string, string> }>;
}

export const DEFAULT_STUB_APPS: Readonly<Record<string, string>> = { wx0000000000000001: "stub-secret-0000000000000000001" };

const CODE_TTL_MS = 5 * 60_000;
const TOKEN_TTL_S = 7200;

interface Grant {
  user: StubUser;
  appId: string;
  kind: "oauth" | "js";
  issuedAt: number;
  used: boolean;
}

const ERRMSG: Record<number, string> = {
  40001: "invalid credential, access_token is invalid or not latest",
  40002: "invalid grant_type",
  40003: "invalid openid",
  40013: "invalid appid",
  40029: "invalid code",
  40125: "invalid appsecret",
  40163: "code been used",
  40226: "invalid login code, user is risky",
  41002: "appid missing",
  41004: "appsecret missing",
  41008: "missing code",
  42001: "access_token expired",
  43001: "require GET method",
  45011: "api minute-quota reach limit  mustslower  retry next minute",
};

class Refusal {
  constructor(readonly errcode: number) {}
}

const newToken = (bytes: number) => randomBytes(bytes).toString("base64url");
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startWechatStub(opts: { apps?: Record<string, string>; port?: number } = {}): Promise<WechatStub> {
  const apps = new Map(Object.entries(opts.apps ?? DEFAULT_STUB_APPS));
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, { user: StubUser; issuedAt: number }>();
  const failures = new Map<string, StubFailure[]>();
  const requests: WechatStub["requests"] = [];

  function issue(kind: Grant["kind"], user: StubUser, appId: string): string {
    if (!apps.has(appId)) throw new Error(`wechat stub: unknown app ${appId}`);
    const code = newToken(24);
    grants.set(code, { user: { ...user }, appId, kind, issuedAt: Date.now(), used: false });
    return code;
  }

  /** The checks both code exchanges share, in the order WeChat reports them. */
  function redeem(kind: Grant["kind"], q: Record<string, string | undefined>, code: string | undefined): Grant {
    if (!q.appid) throw new Refusal(41002);
    if (!apps.has(q.appid)) throw new Refusal(40013);
    if (!q.secret) throw new Refusal(41004);
    if (apps.get(q.appid) !== q.secret) throw new Refusal(40125);
    if (q.grant_type !== "authorization_code") throw new Refusal(40002);
    if (!code) throw new Refusal(41008);
    const g = grants.get(code);
    // WeChat answers 40029 alike for unknown, expired and other-app codes.
    if (!g || g.kind !== kind || g.appId !== q.appid || Date.now() - g.issuedAt > CODE_TTL_MS) throw new Refusal(40029);
    if (g.used) throw new Refusal(40163);
    g.used = true;
    return g;
  }

  /** Why the authorize parameters would be refused by WeChat's page, or null. */
  function authorizeProblem(q: Record<string, string | undefined>): string | null {
    if (!q.appid || !apps.has(q.appid)) return "AppID 参数错误";
    try {
      const r = new URL(q.redirect_uri ?? "");
      if (r.protocol !== "http:" && r.protocol !== "https:") return "redirect_uri 参数错误";
    } catch {
      return "redirect_uri 参数错误";
    }
    if (q.response_type !== "code") return "response_type 参数错误";
    if (q.scope !== "snsapi_login") return "Scope 参数错误或没有 Scope 权限";
    if (!/^[A-Za-z0-9]{0,128}$/.test(q.state ?? "")) return "state 参数错误";
    return null;
  }

  function backToApp(redirectUri: string, state: string, code: string | null): string {
    const u = new URL(redirectUri);
    if (code !== null) u.searchParams.set("code", code);
    u.searchParams.set("state", state);
    return u.toString();
  }

  function handle(path: string, q: Record<string, string | undefined>, res: http.ServerResponse): void {
    const json = (body: object) => {
      // WeChat labels its JSON answers text/plain; clients must not depend on the type.
      res.writeHead(200, { "content-type": "text/plain" }).end(JSON.stringify(body));
    };
    const html = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><meta charset="utf-8"><title>WeChat stub</title>${body}`);
    };

    try {
      switch (path) {
        case "/connect/qrconnect": {
          const problem = authorizeProblem(q);
          if (problem) return html(400, `<p id="error">${escapeHtml(problem)}</p>`);
          const hidden = (["appid", "redirect_uri", "state"] as const)
            .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q[k] ?? "")}">`)
            .join("");
          return html(
            200,
            `<h1>微信登录 (stub)</h1><form action="/stub/scan" method="get">${hidden}` +
              `<label>openid <input name="openid" required></label> <label>unionid <input name="unionid"></label> ` +
              `<label>nickname <input name="nickname"></label> <button type="submit">Scan and confirm</button>` +
              `<button type="submit" name="deny" value="1" formnovalidate>Deny</button></form>`,
          );
        }
        case "/stub/scan": {
          const problem = authorizeProblem({ ...q, response_type: "code", scope: "snsapi_login" });
          if (problem) return html(400, `<p id="error">${escapeHtml(problem)}</p>`);
          const state = q.state ?? "";
          // A refusal on the phone comes back with the state only.
          let code: string | null = null;
          if (q.deny !== "1") {
            if (!q.openid) return html(400, `<p id="error">openid is required</p>`);
            code = issue("oauth", { openid: q.openid, unionid: q.unionid || undefined, nickname: q.nickname || undefined }, q.appid!);
          }
          res.writeHead(302, { location: backToApp(q.redirect_uri!, state, code) }).end();
          return;
        }
        case "/sns/oauth2/access_token": {
          const g = redeem("oauth", q, q.code);
          const accessToken = newToken(48);
          tokens.set(accessToken, { user: g.user, issuedAt: Date.now() });
          return json({
            access_token: accessToken,
            expires_in: TOKEN_TTL_S,
            refresh_token: newToken(48),
            openid: g.user.openid,
            scope: "snsapi_login",
            ...(g.user.unionid ? { unionid: g.user.unionid } : {}),
          });
        }
        case "/sns/userinfo": {
          const t = tokens.get(q.access_token ?? "");
          if (!t) throw new Refusal(40001);
          if (Date.now() - t.issuedAt > TOKEN_TTL_S * 1000) throw new Refusal(42001);
          if (q.openid !== t.user.openid) throw new Refusal(40003);
          // Since 2021 WeChat no longer discloses sex and location: it sends 0 and "".
          return json({
            openid: t.user.openid,
            nickname: t.user.nickname ?? "",
            sex: 0,
            province: "",
            city: "",
            country: "",
            headimgurl: t.user.headimgurl ?? "",
            privilege: [],
            ...(t.user.unionid ? { unionid: t.user.unionid } : {}),
          });
        }
        case "/sns/jscode2session": {
          const g = redeem("js", q, q.js_code);
          return json({ openid: g.user.openid, session_key: newToken(16), ...(g.user.unionid ? { unionid: g.user.unionid } : {}) });
        }
        default:
          res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      }
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      json({ errcode: e.errcode, errmsg: `${ERRMSG[e.errcode] ?? "error"}, rid: ${randomBytes(4).toString("hex")}` });
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stub");
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query });

    const failure = failures.get(url.pathname)?.shift();
    if (failure === "hang") return;
    if (failure && "status" in failure) return void res.writeHead(failure.status, { "content-type": "text/html" }).end(failure.body);
    if (failure) {
      const errmsg = failure.errmsg ?? ERRMSG[failure.errcode] ?? "error";
      return void res.writeHead(200, { "content-type": "text/plain" }).end(JSON.stringify({ errcode: failure.errcode, errmsg }));
    }
    if (req.method !== "GET") {
      return void res.writeHead(200, { "content-type": "text/plain" }).end(JSON.stringify({ errcode: 43001, errmsg: ERRMSG[43001] }));
    }
    try {
      handle(url.pathname, query, res);
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" }).end(`wechat stub: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    issueCode: (user, appId) => issue("oauth", user, appId),
    issueJsCode: (user, appId) => issue("js", user, appId),
    failNext(path, failure) {
      failures.set(path, [...(failures.get(path) ?? []), failure]);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Drops keep-alive sockets and "hang" requests, which would otherwise hold close() open.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
