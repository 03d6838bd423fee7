/**
 * The console's "Try it" (try.ts) on a real HTTP server running the handler server.mjs mounts:
 * a browser played with a cookie jar starts a run from the client's page, signs in, consents,
 * and lands back on the console with the decoded tokens; and every way to abuse the built-in
 * redirect URI or the callback is refused — a forged or missing state, a replayed callback,
 * another client's code, another tenant's host, a start without the console's rights.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as oauth from "oauth4webapi";
import { failure, setupWorld } from "~/test/fixtures";
import { makeTestClient, Browser as TestBrowser, listenOidc } from "~/test/oidc-browser";
import { resetProviders } from "~/server/oidc/provider";
import { TRY_COOKIE, TRY_SECRET_DESCRIPTION, tryScope } from "~/server/oidc/try";

const t = setupWorld();
let oidcServer: Awaited<ReturnType<typeof listenOidc>>;
let port = 0;
const B_HOST = "127.0.0.2";
const APP_REDIRECT = "https://app.example.com/callback";

beforeAll(async () => {
  resetProviders();
  await t.db.tenantHost.create({ data: { tenantId: t.w.tenantB.id, host: B_HOST } });
  oidcServer = await listenOidc(t.db);
  port = oidcServer.port;
});
afterAll(() => oidcServer.close());

const originA = () => `http://localhost:${port}`;
const originB = () => `http://${B_HOST}:${port}`;
const tryCallback = () => `${originB()}/oidc/try/callback`;

const makeClient = async (opts: { secret?: boolean; firstParty?: boolean; grantTypes?: string[]; tenantId?: string } = {}) =>
  (await makeTestClient(t.db, { tenantId: t.w.tenantB.id, redirectUris: [APP_REDIRECT], name: "Try App", prefix: "try", ...opts })).row;

/** The shared test browser (src/test/oidc-browser.ts), signed in to the console, with the Try it button. */
class Browser extends TestBrowser {
  constructor() {
    super(t.db);
  }
  override signIn(userId: string, tenantId: string) {
    return super.signIn(userId, tenantId, "admin");
  }
  /** The console's Try it button: a same-origin form post. */
  start(origin: string, clientRowId: string, headers: Record<string, string> = {}) {
    return this.get(`${origin}/oidc/try/start`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin, "sec-fetch-site": "same-origin", ...headers },
      body: `client=${clientRowId}`,
    });
  }
}

const tryRows = (clientRowId: string) => t.db.clientSecret.findMany({ where: { clientId: clientRowId, description: TRY_SECRET_DESCRIPTION } });
const flowRows = () => t.db.oidcPayload.count({ where: { model: "UcTryFlow" } });

/** Start → authorization → consent: the callback URL the provider sends the browser to (not yet visited). */
async function runToCallback(b: Browser, clientRowId: string, decision: "allow" | "deny" | null = "allow") {
  const start = await b.start(originB(), clientRowId);
  expect(start.status).toBe(303);
  const location = start.headers.get("location")!;
  expect(location.startsWith("/oidc/auth?")).toBe(true);
  let at = new URL(location, originB()).href;
  // Stop before the callback: follow the provider's redirects by hand.
  for (let i = 0; i < 12; i++) {
    const res = await b.get(at);
    if (res.status === 200 && decision) {
      const uid = /\/oidc\/interaction\/([\w-]+)/.exec(at)![1]!;
      const r = await b.get(new URL(`/oidc/interaction/${uid}/confirm`, at).href, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: originB() },
        body: `decision=${decision}`,
      });
      at = new URL(r.headers.get("location")!, at).href;
      continue;
    }
    expect(res.status).toBeGreaterThanOrEqual(300);
    const next = new URL(res.headers.get("location")!, at);
    if (next.pathname === "/oidc/try/callback") return next;
    at = next.href;
  }
  throw new Error("the run never reached the callback");
}

async function finish(b: Browser, callback: URL) {
  const res = await b.get(callback.href);
  expect(res.status).toBe(303);
  const to = new URL(res.headers.get("location")!, originB());
  return { res, to, run: to.searchParams.get("run")! };
}

describe("Try it: the flow", () => {
  it("runs the code flow with PKCE for a confidential client and shows the verified ID token, the access token and userinfo", async () => {
    const c = await makeClient();
    const b = new Browser();
    await b.signIn(t.w.managerB.id, t.w.tenantB.id);
    const start = await b.start(originB(), c.id);
    expect(start.status).toBe(303);
    const cookie = start.headers.getSetCookie().find((x) => x.startsWith(`${TRY_COOKIE}=`))!;
    expect(cookie).toMatch(/Path=\/oidc; HttpOnly; SameSite=Lax; Max-Age=300/);
    const auth = new URL(start.headers.get("location")!, originB());
    expect(auth.searchParams.get("redirect_uri")).toBe(tryCallback());
    expect(auth.searchParams.get("code_challenge_method")).toBe("S256");
    expect(auth.searchParams.get("scope")).toBe(tryScope([]));
    // The run's secret: short-lived, and the only place its plaintext lives is the server's record.
    const [secret] = await tryRows(c.id);
    expect(secret!.expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(300_000);
    const record = await t.db.oidcPayload.findFirstOrThrow({ where: { model: "UcTryFlow", id: auth.searchParams.get("state")! } });
    expect(JSON.stringify(record.payload)).not.toContain("ucs_");
    expect(decodeURIComponent(cookie)).not.toContain(auth.searchParams.get("state")!);

    // The consent page, then the callback.
    const consent = await b.follow(auth.href);
    expect(consent.res.status).toBe(200);
    expect(await consent.res.text()).toContain("Try App");
    const back = await b.consent(consent.url);
    const to = new URL(back.url);
    expect(`${to.origin}${to.pathname}`).toBe(`${originB()}/clients/${c.id}`);
    expect(to.searchParams.get("tab")).toBe("integration");
    expect(b.jar.has(TRY_COOKIE)).toBe(false);
    expect(await tryRows(c.id)).toEqual([]);

    const caller = await t.w.callerFor(t.w.managerB.id);
    const run = await caller.client.tryResult({ id: c.id, run: to.searchParams.get("run")! });
    expect(run.error).toBeNull();
    expect(run.idToken!.signatureVerified).toBe(true);
    expect(run.idToken!.header.alg).toBe("ES256");
    expect(run.idToken!.claims).toMatchObject({ iss: originB(), aud: c.clientId, sub: t.w.managerB.id });
    expect(run.userinfo).toMatchObject({ sub: t.w.managerB.id, email: "manager@b.test" });
    expect(run.accessToken!.value.length).toBeGreaterThan(20);
    expect(run.refreshToken).toBeNull();
    const audit = await t.db.auditLog.findFirst({ where: { action: "client.try", recordId: c.id } });
    expect(audit).not.toBeNull();

    // Someone else, or the same run on another client, sees nothing.
    const runId = to.searchParams.get("run")!;
    const plain = await t.w.callerFor(t.w.plainB.id);
    expect((await failure(() => plain.client.tryResult({ id: c.id, run: runId }))).code).toBe(10002);
    const admin2 = await t.w.makeUser(t.w.tenantB.id, "admin2", ["administrator"]);
    const otherAdmin = await t.w.callerFor(admin2.id);
    expect((await failure(() => otherAdmin.client.tryResult({ id: c.id, run: runId }))).code).toBe(17001);
    const c2 = await makeClient();
    expect((await failure(() => caller.client.tryResult({ id: c2.id, run: runId }))).code).toBe(17001);
  });

  it("runs a public client (PKCE only) without creating a secret, and a first-party one without consent", async () => {
    const c = await makeClient({ secret: false, firstParty: true });
    const b = new Browser();
    await b.signIn(t.w.managerB.id, t.w.tenantB.id);
    const start = await b.start(originB(), c.id);
    expect(await t.db.clientSecret.count({ where: { clientId: c.id } })).toBe(0);
    const done = await b.follow(new URL(start.headers.get("location")!, originB()).href);
    const to = new URL(done.url);
    expect(to.pathname).toBe(`/clients/${c.id}`);
    const run = await (await t.w.callerFor(t.w.managerB.id)).client.tryResult({ id: c.id, run: to.searchParams.get("run")! });
    expect(run.idToken!.claims).toMatchObject({ iss: originB(), aud: c.clientId, sub: t.w.managerB.id });
  });

  it("shows the provider's refusal (access_denied) and still deletes the run's secret", async () => {
    const c = await makeClient();
    const b = new Browser();
    await b.signIn(t.w.managerB.id, t.w.tenantB.id);
    const cb = await runToCallback(b, c.id, "deny");
    expect(cb.searchParams.get("error")).toBe("access_denied");
    const { to, run } = await finish(b, cb);
    expect(to.pathname).toBe(`/clients/${c.id}`);
    expect(await tryRows(c.id)).toEqual([]);
    const r = await (await t.w.callerFor(t.w.managerB.id)).client.tryResult({ id: c.id, run });
    expect(r.error).toMatchObject({ stage: "authorize", code: "access_denied" });
    expect(r.idToken).toBeNull();
  });
});

describe("Try it: the scopes a run asks for", () => {
  it("are the identity scopes the client lists (a tenant's own too) with openid, or the standard ones when it lists none", () => {
    const served = ["openid", "offline_access", "profile", "email", "phone", "address", "badge"];
    expect(tryScope([], served)).toBe("openid profile email phone");
    expect(tryScope(["uc.me.all", "orders.read", "offline_access"], served)).toBe("openid profile email phone");
    expect(tryScope(["email", "badge"], served)).toBe("openid email badge");
    // Only openid listed: only openid may be asked for (clients.ts, identityScopeOf).
    expect(tryScope(["openid"], served)).toBe("openid");
  });
});

describe("Try it: refusals at the start", () => {
  it("needs a POST from the console with a session that may view the client, on the client's own tenant", async () => {
    const c = await makeClient();
    const admin = new Browser();
    await admin.signIn(t.w.managerB.id, t.w.tenantB.id);
    const before = await flowRows();
    const noCookie = (r: Response) => !r.headers.getSetCookie().some((x) => x.startsWith(`${TRY_COOKIE}=`));

    const get = await admin.get(`${originB()}/oidc/try/start?client=${c.id}`);
    expect(get.status).toBe(405);
    const anonymous = await new Browser().start(originB(), c.id);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain("Sign in to the console first.");
    const crossSite = await admin.start(originB(), c.id, { "sec-fetch-site": "cross-site", origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    const plain = new Browser();
    await plain.signIn(t.w.plainB.id, t.w.tenantB.id);
    const forbidden = await plain.start(originB(), c.id);
    expect(forbidden.status).toBe(403);
    // A bearer token is not the console's session.
    const bearer = await new Browser().start(originB(), c.id, { authorization: "Bearer x.y.z" });
    expect(bearer.status).toBe(401);
    // An operator sees every tenant's clients, but a run on tenant A's host cannot use tenant B's client.
    const operator = new Browser();
    await operator.signIn(t.w.operator.id, t.w.platform.id);
    const elsewhere = await operator.start(originA(), c.id);
    expect(elsewhere.status).toBe(404);
    const unknown = await admin.start(originB(), "00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    const machine = await makeClient({ grantTypes: ["client_credentials"] });
    const noCode = await admin.start(originB(), machine.id);
    expect(noCode.status).toBe(400);
    const disabled = await makeClient();
    await t.db.oAuthClient.update({ where: { id: disabled.id }, data: { enabled: false } });
    expect((await admin.start(originB(), disabled.id)).status).toBe(400);

    for (const r of [get, anonymous, crossSite, forbidden, bearer, elsewhere, unknown, noCode]) expect(noCookie(r)).toBe(true);
    expect(await flowRows()).toBe(before);
    expect(await tryRows(c.id)).toEqual([]);
    expect(await tryRows(machine.id)).toEqual([]);
  });
});

describe("Try it: the redirect URI exists only for the run", () => {
  const authUrl = (clientId: string, state: string) => {
    const u = new URL(`${originB()}/oidc/auth`);
    u.search = new URLSearchParams({
      client_id: clientId,
      response_type: "code",
      redirect_uri: tryCallback(),
      scope: "openid",
      state,
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
    }).toString();
    return u.href;
  };

  it("is refused without a run, for another client than the run's, and with another state than the run's", async () => {
    const a = await makeClient();
    const other = await makeClient();
    const b = new Browser();
    await b.signIn(t.w.managerB.id, t.w.tenantB.id);
    const none = await b.get(authUrl(a.clientId, "s1"));
    expect(none.status).toBe(400);
    expect(none.headers.get("location")).toBeNull();
    expect(await none.text()).toContain("redirect_uri");

    const start = await b.start(originB(), a.id);
    const state = new URL(start.headers.get("location")!, originB()).searchParams.get("state")!;
    const otherClient = await b.get(authUrl(other.clientId, state));
    expect(otherClient.status).toBe(400);
    expect(otherClient.headers.get("location")).toBeNull();
    const otherState = await b.get(authUrl(a.clientId, "not-the-run"));
    expect(otherState.status).toBe(400);
    expect(otherState.headers.get("location")).toBeNull();
    // The run's own request goes through.
    const own = await b.get(authUrl(a.clientId, state));
    expect(own.status).toBe(303);
  });
});

describe("Try it: refusals at the callback", () => {
  it("refuses a missing run, a forged cookie, a wrong state, a replay and another tenant's host; always lands on the console's own path", async () => {
    const c = await makeClient();
    const b = new Browser();
    await b.signIn(t.w.managerB.id, t.w.tenantB.id);
    const cb = await runToCallback(b, c.id);
    const cookie = b.jar.get(TRY_COOKIE)!;

    // No run in this browser.
    const stranger = new Browser();
    const none = await stranger.get(cb.href);
    expect(none.status).toBe(400);
    expect(await none.text()).toContain("There is no Try it run in this browser");

    // A forged cookie (one character changed).
    const forged = new Browser();
    forged.jar.set(TRY_COOKIE, cookie.slice(0, -2) + (cookie.endsWith("A") ? "BB" : "AA"));
    expect((await forged.get(cb.href)).status).toBe(400);

    // The right cookie with a made-up state.
    const wrong = new URL(cb);
    wrong.searchParams.set("state", "forged-state");
    const bad = await b.get(wrong.href);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("wrong state");

    // Another tenant's host, with this run's cookie copied over.
    const copied = new Browser();
    copied.jar.set(TRY_COOKIE, cookie);
    const onA = new URL(cb.pathname + cb.search, originA());
    expect((await copied.get(onA.href)).status).toBe(400);

    // The real one, with an extra parameter that tries to pick the destination: the console's own path.
    const evil = new URL(cb);
    evil.searchParams.set("redirect_uri", "https://evil.example/");
    const { to } = await finish(b, evil);
    expect(to.origin).toBe(originB());
    expect(to.pathname).toBe(`/clients/${c.id}`);

    // Replayed: the record is gone (and the cookie too; put it back, as an attacker holding it would).
    b.jar.set(TRY_COOKIE, cookie);
    const replay = await b.get(cb.href);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("already finished");
  });

  it("refuses a code issued to another client (the exchange fails) and shows why", async () => {
    const victim = await makeClient();
    const other = await makeClient({ secret: false, firstParty: true });
    const b = new Browser();
    await b.signIn(t.w.managerB.id, t.w.tenantB.id);
    const cb = await runToCallback(b, victim.id);
    // A code of another client, from its own ordinary flow in the same browser.
    const verifier = oauth.generateRandomCodeVerifier();
    const u = new URL(`${originB()}/oidc/auth`);
    u.search = new URLSearchParams({
      client_id: other.clientId,
      response_type: "code",
      redirect_uri: APP_REDIRECT,
      scope: "openid",
      state: "x",
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    }).toString();
    const theirs = await b.follow(u.href);
    const code = new URL(theirs.url).searchParams.get("code")!;
    expect(code).toBeTruthy();
    const swapped = new URL(cb);
    swapped.searchParams.set("code", code);
    const { to, run } = await finish(b, swapped);
    expect(to.pathname).toBe(`/clients/${victim.id}`);
    const r = await (await t.w.callerFor(t.w.managerB.id)).client.tryResult({ id: victim.id, run });
    expect(r.error).toMatchObject({ stage: "token", code: "invalid_grant" });
    expect(r.idToken).toBeNull();
    expect(await tryRows(victim.id)).toEqual([]);
  });
});

describe("Try it: a run that never comes back", () => {
  it("leaves an expired secret that cannot authenticate, and housekeeping deletes it with the run's record", async () => {
    const c = await makeClient();
    const b = new Browser();
    await b.signIn(t.w.managerB.id, t.w.tenantB.id);
    const start = await b.start(originB(), c.id);
    const state = new URL(start.headers.get("location")!, originB()).searchParams.get("state")!;
    const [secret] = await tryRows(c.id);
    expect(secret).toBeDefined();
    // Five minutes later (moved back rather than waited for).
    const past = new Date(Date.now() - 1000);
    await t.db.clientSecret.update({ where: { id: secret!.id }, data: { expiresAt: past } });
    await t.db.oidcPayload.update({ where: { model_id: { model: "UcTryFlow", id: state } }, data: { expiresAt: past } });
    const { runHousekeeping } = await import("~/server/jobs/housekeeping");
    expect((await runHousekeeping(t.db, { kind: t.kind })).status).toBe("done");
    expect(await tryRows(c.id)).toEqual([]);
    // The app's own secret stays.
    expect(await t.db.clientSecret.count({ where: { clientId: c.id } })).toBe(1);
    // And the callback of that run finds nothing.
    const late = await b.get(`${tryCallback()}?code=x&state=${state}&iss=${encodeURIComponent(originB())}`);
    expect(late.status).toBe(400);
  });
});
