import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startWechatStub, type WechatStub } from "~/test/wechat-stub";
import { code2Session, exchangeCode, fetchUserInfo, qrAuthorizeUrl, WechatError, type WechatEndpoints } from "./client";

const APP = "wx1111111111111111";
const SECRET = "secret-one";
const MINI = "wx2222222222222222";
const MINI_SECRET = "secret-mini";
const alice = { openid: "o-alice", unionid: "u-alice", nickname: "爱丽丝" };

let stub: WechatStub;
let endpoints: WechatEndpoints;

beforeAll(async () => {
  stub = await startWechatStub({ apps: { [APP]: SECRET, [MINI]: MINI_SECRET } });
  endpoints = { openBase: stub.url, apiBase: stub.url };
});
afterAll(() => stub.close());
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function wechatError(p: Promise<unknown>): Promise<WechatError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WechatError);
  return e as WechatError;
}

const exchange = (code: string, over: { appId?: string; secret?: string } = {}) => exchangeCode({ appId: APP, secret: SECRET, code, endpoints, ...over });
const session = (jsCode: string, over: { appId?: string; secret?: string } = {}) =>
  code2Session({ appId: MINI, secret: MINI_SECRET, jsCode, endpoints, ...over });

describe("qrAuthorizeUrl", () => {
  it("builds WeChat's documented URL, parameters in order, redirect_uri encoded", () => {
    const redirectUri = "https://a.example.com/api/auth/callback/wechat?x=1 2&y=é";
    const raw = qrAuthorizeUrl({ appId: APP, redirectUri, state: "abc123", endpoints: { openBase: "https://open.weixin.qq.com/", apiBase: "" } });
    const u = new URL(raw);
    expect(u.origin + u.pathname).toBe("https://open.weixin.qq.com/connect/qrconnect");
    expect([...u.searchParams.keys()]).toEqual(["appid", "redirect_uri", "response_type", "scope", "state"]);
    expect(Object.fromEntries(u.searchParams)).toEqual({
      appid: APP,
      redirect_uri: redirectUri,
      response_type: "code",
      scope: "snsapi_login",
      state: "abc123",
    });
    expect(u.hash).toBe("#wechat_redirect");
    expect(raw).toContain(`redirect_uri=${encodeURIComponent(redirectUri)}&`);
  });

  it("defaults to the real host and refuses a state WeChat would not carry back", () => {
    expect(qrAuthorizeUrl({ appId: APP, redirectUri: "https://x/cb", state: "s" })).toMatch(/^https:\/\/open\.weixin\.qq\.com\/connect\/qrconnect\?/);
    expect(() => qrAuthorizeUrl({ appId: APP, redirectUri: "https://x/cb", state: "a-b" })).toThrow(RangeError);
  });

  it("is accepted by the stub, whose scan redirects back with a working code and the state", async () => {
    const url = qrAuthorizeUrl({ appId: APP, redirectUri: "https://app.test/cb?next=%2Fhome", state: "st4te", endpoints });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('action="/stub/scan"');

    const scan = new URL("/stub/scan", stub.url);
    for (const [k, v] of Object.entries({ appid: APP, redirect_uri: "https://app.test/cb?next=%2Fhome", state: "st4te", openid: "o-bob" }))
      scan.searchParams.set(k, v);
    const r = await fetch(scan, { redirect: "manual" });
    expect(r.status).toBe(302);
    const back = new URL(r.headers.get("location")!);
    expect(back.origin + back.pathname).toBe("https://app.test/cb");
    expect(back.searchParams.get("next")).toBe("/home");
    expect(back.searchParams.get("state")).toBe("st4te");
    expect((await exchange(back.searchParams.get("code")!)).openid).toBe("o-bob");

    scan.searchParams.set("deny", "1");
    const denied = new URL((await fetch(scan, { redirect: "manual" })).headers.get("location")!);
    expect(denied.searchParams.has("code")).toBe(false);
    expect(denied.searchParams.get("state")).toBe("st4te");
  });

  it("stub page refuses a wrong scope or unknown app", async () => {
    const good = new URL(qrAuthorizeUrl({ appId: APP, redirectUri: "https://app.test/cb", state: "s", endpoints }));
    good.searchParams.set("scope", "snsapi_userinfo");
    expect((await fetch(good)).status).toBe(400);
    good.searchParams.set("scope", "snsapi_login");
    good.searchParams.set("appid", "wxnope");
    expect((await fetch(good)).status).toBe(400);
  });
});

describe("website sign-in: exchangeCode + fetchUserInfo", () => {
  it("exchanges a code and reads the profile", async () => {
    const t = await exchange(stub.issueCode(alice, APP));
    expect(t).toMatchObject({ openid: "o-alice", unionid: "u-alice", scope: "snsapi_login", expiresIn: 7200 });
    expect(t.accessToken).not.toBe("");

    const u = await fetchUserInfo({ accessToken: t.accessToken, openid: t.openid, endpoints });
    expect(u).toEqual({ openid: "o-alice", unionid: "u-alice", nickname: "爱丽丝", headimgurl: undefined });
    expect(stub.requests.at(-1)).toEqual({ path: "/sns/userinfo", query: { access_token: t.accessToken, openid: "o-alice", lang: "zh_CN" } });
    expect(stub.requests.at(-2)?.query).toEqual({ appid: APP, secret: SECRET, code: expect.any(String), grant_type: "authorization_code" });
  });

  it("has no unionid when the user has none", async () => {
    const t = await exchange(stub.issueCode({ openid: "o-solo" }, APP));
    expect(t.unionid).toBeUndefined();
    expect((await fetchUserInfo({ accessToken: t.accessToken, openid: "o-solo", endpoints })).unionid).toBeUndefined();
  });

  it("refuses a replayed code with 40163", async () => {
    const code = stub.issueCode(alice, APP);
    await exchange(code);
    expect((await wechatError(exchange(code))).errcode).toBe(40163);
  });

  it("maps WeChat's refusals to their errcode", async () => {
    expect((await wechatError(exchange("no-such-code"))).errcode).toBe(40029);
    expect((await wechatError(exchange(stub.issueCode(alice, APP), { secret: "wrong" }))).errcode).toBe(40125);
    expect((await wechatError(exchange(stub.issueCode(alice, APP), { appId: "wxunknown" }))).errcode).toBe(40013);
    // A mini-program code is no website code.
    expect((await wechatError(exchange(stub.issueJsCode(alice, APP)))).errcode).toBe(40029);
    stub.failNext("/sns/oauth2/access_token", { errcode: 45011 });
    const limited = await wechatError(exchange(stub.issueCode(alice, APP)));
    expect(limited.errcode).toBe(45011);
    expect(limited.message).toMatch(/^WeChat error 45011: api minute-quota reach limit/);
  });

  it("refuses a code after 5 minutes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const code = stub.issueCode(alice, APP);
    vi.setSystemTime(Date.now() + 5 * 60_000 + 1000);
    expect((await wechatError(exchange(code))).errcode).toBe(40029);
  });

  it("refuses userinfo for a wrong token or openid", async () => {
    const t = await exchange(stub.issueCode(alice, APP));
    expect((await wechatError(fetchUserInfo({ accessToken: "bogus", openid: t.openid, endpoints }))).errcode).toBe(40001);
    expect((await wechatError(fetchUserInfo({ accessToken: t.accessToken, openid: "o-mallory", endpoints }))).errcode).toBe(40003);
  });
});

describe("mini program: code2Session", () => {
  it("exchanges a js_code for openid, unionid and session key", async () => {
    const s = await session(stub.issueJsCode(alice, MINI));
    expect(s).toMatchObject({ openid: "o-alice", unionid: "u-alice" });
    expect(s.sessionKey.length).toBeGreaterThan(0);
    expect(stub.requests.at(-1)?.path).toBe("/sns/jscode2session");
  });

  it("maps refusals, replay and WeChat's risk control", async () => {
    const code = stub.issueJsCode(alice, MINI);
    await session(code);
    expect((await wechatError(session(code))).errcode).toBe(40163);
    expect((await wechatError(session("nope"))).errcode).toBe(40029);
    expect((await wechatError(session(stub.issueJsCode(alice, MINI), { secret: "wrong" }))).errcode).toBe(40125);
    expect((await wechatError(session(stub.issueJsCode(alice, MINI), { appId: "wxunknown" }))).errcode).toBe(40013);
    stub.failNext("/sns/jscode2session", { errcode: 40226 });
    expect((await wechatError(session(stub.issueJsCode(alice, MINI)))).errcode).toBe(40226);
    stub.failNext("/sns/jscode2session", { errcode: 45011 });
    expect((await wechatError(session(stub.issueJsCode(alice, MINI)))).errcode).toBe(45011);
  });

  it("never puts the secret or session key into an error message", async () => {
    stub.failNext("/sns/jscode2session", { status: 502, body: "<html>bad gateway</html>" });
    const e = await wechatError(session(stub.issueJsCode(alice, MINI)));
    expect(`${e.message} ${e.stack}`).not.toContain(MINI_SECRET);
  });
});

describe("transport failures are errcode -1", () => {
  it("HTTP error, non-JSON and malformed answers", async () => {
    stub.failNext("/sns/oauth2/access_token", { status: 502, body: "<html>bad gateway</html>" });
    expect(await wechatError(exchange(stub.issueCode(alice, APP)))).toMatchObject({ errcode: -1, errmsg: "HTTP 502" });
    stub.failNext("/sns/oauth2/access_token", { status: 200, body: "<html>maintenance</html>" });
    expect(await wechatError(exchange(stub.issueCode(alice, APP)))).toMatchObject({ errcode: -1, errmsg: "answer is not JSON" });
    stub.failNext("/sns/userinfo", { status: 200, body: '{"nickname":"no openid"}' });
    expect((await wechatError(fetchUserInfo({ accessToken: "t", openid: "o", endpoints }))).errcode).toBe(-1);
  });

  it("unreachable server", async () => {
    const gone = await startWechatStub();
    await gone.close();
    const e = await wechatError(exchangeCode({ appId: APP, secret: SECRET, code: "c", endpoints: { openBase: gone.url, apiBase: gone.url } }));
    expect(e.errcode).toBe(-1);
    expect(e.errmsg).toMatch(/ECONNREFUSED/);
  });

  it("times out after 5 s", async () => {
    const realTimeout = AbortSignal.timeout.bind(AbortSignal);
    // Same code path as a real 5 s timeout, without waiting 5 s.
    const spy = vi.spyOn(AbortSignal, "timeout").mockImplementation(() => realTimeout(100));
    stub.failNext("/sns/jscode2session", "hang");
    expect(await wechatError(session(stub.issueJsCode(alice, MINI)))).toMatchObject({ errcode: -1, errmsg: "timeout" });
    expect(spy).toHaveBeenCalledWith(5000);
  });
});
