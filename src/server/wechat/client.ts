/**
 * WeChat's OAuth protocol: website QR sign-in (open platform "网站应用") and mini-program
 * `jscode2session`. Plain functions over `fetch`, no DB, so tests can run them against the
 * loopback stub in `src/test/wechat-stub.ts`.
 *
 * WeChat answers errors with HTTP 200 and `{ errcode, errmsg }`; every failure — that, a
 * non-2xx status, a body that is not the expected JSON, a network error or a timeout — is
 * thrown as one `WechatError` (errcode -1 for everything on our side of the protocol).
 */
import { z } from "zod";

export interface WechatEndpoints {
  openBase: string;
  apiBase: string;
}

export const DEFAULT_WECHAT_ENDPOINTS: Readonly<WechatEndpoints> = {
  openBase: "https://open.weixin.qq.com",
  apiBase: "https://api.weixin.qq.com",
};

const TIMEOUT_MS = 5000;

export class WechatError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat error ${errcode}: ${errmsg}`);
    this.name = "WechatError";
  }
}

export function wechatEndpoints(): WechatEndpoints {
  return {
    openBase: process.env.WECHAT_OPEN_BASE_URL || DEFAULT_WECHAT_ENDPOINTS.openBase,
    apiBase: process.env.WECHAT_API_BASE_URL || DEFAULT_WECHAT_ENDPOINTS.apiBase,
  };
}

const trimSlash = (base: string) => base.replace(/\/+$/, "");

/** WeChat only documents `a-zA-Z0-9`, at most 128 bytes; anything else may come back altered. */
export const WECHAT_STATE_RE = /^[A-Za-z0-9]{0,128}$/;

/**
 * Built by hand rather than with URLSearchParams: WeChat's docs require this exact parameter
 * order and `urlEncode` (%20, not `+`) for redirect_uri, and the page only works with the
 * `#wechat_redirect` fragment.
 */
export function qrAuthorizeUrl(opts: { appId: string; redirectUri: string; state: string; endpoints?: WechatEndpoints }): string {
  if (!WECHAT_STATE_RE.test(opts.state)) throw new RangeError("WeChat state must be 0–128 characters of a-zA-Z0-9");
  const base = trimSlash((opts.endpoints ?? wechatEndpoints()).openBase);
  const enc = encodeURIComponent;
  return (
    `${base}/connect/qrconnect?appid=${enc(opts.appId)}&redirect_uri=${enc(opts.redirectUri)}` +
    `&response_type=code&scope=snsapi_login&state=${enc(opts.state)}#wechat_redirect`
  );
}

interface CallOpts {
  endpoints?: WechatEndpoints;
  fetchImpl?: typeof fetch;
}

const errorAnswer = z.object({ errcode: z.number(), errmsg: z.string().optional() });

async function call<T>(path: string, query: Record<string, string>, schema: z.ZodType<T>, opts: CallOpts): Promise<T> {
  const url = `${trimSlash((opts.endpoints ?? wechatEndpoints()).apiBase)}${path}?${new URLSearchParams(query)}`;
  const doFetch = opts.fetchImpl ?? fetch;
  let status: number;
  let text: string;
  try {
    const res = await doFetch(url, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
      // The query carries the app secret: never follow it to another host.
      redirect: "error",
      // Answers hold tokens and session keys; keep them out of Next's data cache.
      cache: "no-store",
    });
    status = res.status;
    text = await res.text();
  } catch (e) {
    // Only the error's name/code: messages of transport errors can quote the URL (and the secret).
    const err = e as { name?: string; cause?: { code?: string } };
    throw new WechatError(-1, err.name === "TimeoutError" ? "timeout" : `transport error: ${err.cause?.code ?? err.name ?? "unknown"}`);
  }
  if (status < 200 || status > 299) throw new WechatError(-1, `HTTP ${status}`);
  let body: unknown;
  try {
    // WeChat labels these JSON answers text/plain, so the content type is not checked.
    body = JSON.parse(text);
  } catch {
    throw new WechatError(-1, "answer is not JSON");
  }
  const err = errorAnswer.safeParse(body);
  if (err.success && err.data.errcode !== 0) throw new WechatError(err.data.errcode, err.data.errmsg ?? "");
  const ok = schema.safeParse(body);
  if (!ok.success) throw new WechatError(-1, `unexpected answer from ${path}`);
  return ok.data;
}

const id = z.string().min(1);
// WeChat sends "" for an absent optional value (e.g. no unionid binding, no avatar).
const optionalText = z
  .string()
  .optional()
  .transform((v) => v || undefined);

const accessTokenAnswer = z.object({
  access_token: id,
  expires_in: z.number(),
  openid: id,
  scope: z.string(),
  unionid: optionalText,
});

export async function exchangeCode(
  opts: { appId: string; secret: string; code: string } & CallOpts,
): Promise<{ accessToken: string; openid: string; unionid?: string; scope: string; expiresIn: number }> {
  const a = await call(
    "/sns/oauth2/access_token",
    { appid: opts.appId, secret: opts.secret, code: opts.code, grant_type: "authorization_code" },
    accessTokenAnswer,
    opts,
  );
  return { accessToken: a.access_token, openid: a.openid, unionid: a.unionid, scope: a.scope, expiresIn: a.expires_in };
}

const userInfoAnswer = z.object({
  openid: id,
  unionid: optionalText,
  nickname: optionalText,
  headimgurl: optionalText,
});

export async function fetchUserInfo(
  opts: { accessToken: string; openid: string } & CallOpts,
): Promise<{ openid: string; unionid?: string; nickname?: string; headimgurl?: string }> {
  const u = await call("/sns/userinfo", { access_token: opts.accessToken, openid: opts.openid, lang: "zh_CN" }, userInfoAnswer, opts);
  return { openid: u.openid, unionid: u.unionid, nickname: u.nickname, headimgurl: u.headimgurl };
}

const sessionAnswer = z.object({ openid: id, session_key: id, unionid: optionalText });

export async function code2Session(
  opts: { appId: string; secret: string; jsCode: string } & CallOpts,
): Promise<{ openid: string; unionid?: string; sessionKey: string }> {
  const s = await call(
    "/sns/jscode2session",
    { appid: opts.appId, secret: opts.secret, js_code: opts.jsCode, grant_type: "authorization_code" },
    sessionAnswer,
    opts,
  );
  return { openid: s.openid, unionid: s.unionid, sessionKey: s.session_key };
}
