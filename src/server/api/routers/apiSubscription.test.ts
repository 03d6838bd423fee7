import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { simpleParser, type AddressObject } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, setupWorld, imported } from "~/test/fixtures";
import { drainAllJobs } from "~/server/jobs/queues";
import { forgetTenantSettings } from "~/server/services/tenant-settings";
import { signLink } from "~/server/services/api-subscriptions";
import { subscriptionLinkResponse } from "~/server/api/subscription-links";
import { handleRest } from "~/server/api/rest";

// Jobs run here through drainAllJobs, not through the background kick of setOnline.
process.env.UC_EXPORT_WORKER = "off";
process.env.UC_RELEASE_MAIL_PER_SECOND = "50";

const t = setupWorld();
let w: typeof t.w;

interface Mail {
  to: string;
  subject: string;
  text: string;
  headers: Map<string, string>;
}
const inbox: Mail[] = [];
let smtp: SMTPServer;

const OPENAPI = (extra: Record<string, unknown> = {}) => ({
  openapi: "3.1.0",
  info: { title: "Orders", version: "1" },
  paths: { "/orders": { get: { responses: { "200": { description: "the orders" } } } }, ...extra },
});

beforeAll(async () => {
  w = t.w;
  smtp = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((mail) => {
          // The header lines as sent (mailparser would turn List-* into objects).
          const headers = new Map(mail.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(":") + 1).trim()]));
          inbox.push({ to: (mail.to as AddressObject | undefined)?.text ?? "", subject: mail.subject ?? "", text: (mail.text ?? "").trim(), headers });
          cb();
        })
        .catch((e: Error) => cb(e));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  const props = {
    "email.provider": "smtp",
    "email.smtp.host": "127.0.0.1",
    "email.smtp.port": String(port),
    "email.smtp.secure": "false",
    "email.from": "APIs <apis@b.test>",
  };
  await t.db.tenantProperty.createMany({ data: Object.entries(props).map(([key, value]) => ({ tenantId: w.tenantB.id, key, value })) });
  forgetTenantSettings(w.tenantB.id);
});
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

/** An anonymous caller on tenant B's host, from its own address (each test its own, so the limits stay apart). */
let ipN = 0;
const anon = (locale: "en" | "zh-CN" = "en") => w.callerFor(null, w.tenantB, { locale, ip: `198.51.100.${++ipN}` });

async function freshApi(name: string) {
  const admin = await w.callerFor(w.managerB.id);
  const api = await admin.apiResource.create({ name });
  const v1 = await admin.apiPublish.createVersion({ id: api.id, name: "v1" });
  return { admin, api, v1 };
}

const mailsTo = (email: string) => inbox.filter((m) => m.to === email);
const tokenIn = (text: string, page: "confirm" | "unsubscribe") => {
  const m = new RegExp(`/subscriptions/${page}\\?t=([^\\s]+)`).exec(text);
  if (!m?.[1]) throw new Error(`no ${page} link in: ${text}`);
  return decodeURIComponent(m[1]);
};
const b64 = (s: string) => Buffer.from(s).toString("base64");
const link = (req: Request, action: string) => subscriptionLinkResponse(req, action, t.db);

describe("API subscribers: subscribe, confirm, release emails, one-click unsubscribe", () => {
  it("confirms through the emailed link, emails the release with RFC 8058 headers, and one-click POST unsubscribes", async () => {
    const { admin, api, v1 } = await freshApi("orders-sub");
    const email = "ada@example.com";
    expect(await (await anon("en")).apiSubscription.subscribe({ id: api.id, email: "Ada@Example.com" })).toEqual({ sent: true });
    const [confirmMail] = mailsTo(email);
    expect(confirmMail?.subject).toContain("Confirm your subscription");
    expect(confirmMail?.text).toContain("30 minutes");
    expect(confirmMail?.text).toContain("https://test/subscriptions/confirm?t=");
    const confirmToken = tokenIn(confirmMail!.text, "confirm");

    // Not confirmed yet: a release sends nothing to them.
    const r1 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(OPENAPI()) } }));
    await admin.apiPublish.setOnline({ id: r1.id, notes: "First" });
    expect(await t.db.job.count({ where: { kind: "api.release-mail" } })).toBe(0);

    expect(await (await anon()).apiSubscription.confirm({ t: confirmToken })).toEqual({ email, api: "orders-sub" });
    expect((await admin.apiSubscription.list({ id: api.id })).items).toMatchObject([{ email, confirmed: true, locale: "en" }]);
    // Confirmed: subscribing again is 300005.
    expect(await failure(async () => (await anon()).apiSubscription.subscribe({ id: api.id, email }))).toMatchObject({ code: 300005, trpc: "CONFLICT" });

    const r2 = await imported(
      admin.apiPublish.importRevision({
        id: api.id,
        versionId: v1.id,
        source: { kind: "text", text: JSON.stringify(OPENAPI({ "/refunds": { post: { responses: { "201": { description: "created" } } } } })) },
      }),
    );
    await admin.apiPublish.setOnline({ id: r2.id, notes: "Refunds are here" });
    const job = await t.db.job.findFirstOrThrow({ where: { kind: "api.release-mail" } });
    expect(job.status).toBe("queued");
    await drainAllJobs(t.db);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: "done",
      done: 1,
      total: 1,
      result: { sent: 1, failed: 0, skipped: 0 },
    });
    expect(await t.db.apiReleaseDelivery.findMany({ where: { tenantId: w.tenantB.id }, select: { email: true, status: true } })).toEqual([
      { email, status: "sent" },
    ]);

    const release = mailsTo(email).at(-1)!;
    expect(release.subject).toBe("orders-sub v1: revision 2 is online");
    expect(release.text).toContain("Refunds are here");
    expect(release.text).toContain("+ added: POST /refunds");
    const listUnsubscribe = release.headers.get("list-unsubscribe") ?? "";
    expect(listUnsubscribe).toMatch(/^<https:\/\/test\/api\/subscriptions\/unsubscribe\?t=[^>]+>$/);
    expect(release.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const unsubscribeToken = tokenIn(release.text, "unsubscribe");

    // The mail client's one-click POST (RFC 8058): no page, no cookie, just the form body.
    const oneClick = new URL(listUnsubscribe.slice(1, -1));
    const res = await link(
      new Request(`http://b.test${oneClick.pathname}${oneClick.search}`, {
        method: "POST",
        headers: { host: "b.test", "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      }),
      "unsubscribe",
    );
    expect(res.status).toBe(200);
    expect((await admin.apiSubscription.list({ id: api.id })).total).toBe(0);
    expect(unsubscribeToken).toBe(decodeURIComponent(oneClick.searchParams.get("t")!));

    // The next release sends them nothing (no job at all: no confirmed subscriber is left).
    const before = mailsTo(email).length;
    const r3 = await imported(
      admin.apiPublish.importRevision({
        id: api.id,
        versionId: v1.id,
        source: { kind: "text", text: JSON.stringify(OPENAPI({ "/x": { get: { responses: { "200": { description: "x" } } } } })) },
      }),
    );
    await admin.apiPublish.setOnline({ id: r3.id, notes: "Third", confirmBreaking: true });
    await drainAllJobs(t.db);
    expect(mailsTo(email).length).toBe(before);
  });

  it("writes the emails in the subscriber's language and marks breaking changes", async () => {
    const { admin, api, v1 } = await freshApi("orders-zh");
    const email = "lin@example.com";
    await (await anon("zh-CN")).apiSubscription.subscribe({ id: api.id, email });
    const confirm = mailsTo(email)[0]!;
    expect(confirm.subject).toBe("请确认订阅 orders-zh");
    await (await anon()).apiSubscription.confirm({ t: tokenIn(confirm.text, "confirm") });
    const r1 = await imported(
      admin.apiPublish.importRevision({
        id: api.id,
        versionId: v1.id,
        source: { kind: "text", text: JSON.stringify(OPENAPI({ "/refunds": { get: { responses: { "200": { description: "r" } } } } })) },
      }),
    );
    await admin.apiPublish.setOnline({ id: r1.id, notes: "首发" });
    const r2 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(OPENAPI()) } }));
    await admin.apiPublish.setOnline({ id: r2.id, notes: "移除退款", confirmBreaking: true });
    await drainAllJobs(t.db);
    const [first, second] = mailsTo(email).slice(1);
    expect(first?.text).toContain("该版本的首次发布");
    expect(second?.subject).toBe("orders-zh v1：修订版 2 已上线");
    expect(second?.text).toContain("本次发布包含破坏性变更");
    expect(second?.text).toContain("- 删除: GET /refunds (破坏性)");
  });

  it("refuses tampered, forged and expired links, and links of another tenant's host", async () => {
    const { api } = await freshApi("orders-links");
    const email = "eve@example.com";
    await (await anon()).apiSubscription.subscribe({ id: api.id, email });
    const good = tokenIn(mailsTo(email)[0]!.text, "confirm");
    const [id, exp, mac] = good.split(".") as [string, string, string];
    const other = await t.db.apiSubscriber.create({
      data: { tenantId: w.tenantB.id, apiResourceId: api.id, email: "other@example.com", locale: "en", origin: "https://test" },
    });
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    const tampered = {
      "changed id": `${other.id}.${exp}.${mac}`,
      "changed expiry": `${id}.${Number(exp) + 3600}.${mac}`,
      "changed MAC": `${id}.${exp}.${flip(mac)}`,
      "base64 of the email": b64(email),
      "base64 of the id": b64(id),
      empty: ".",
    };
    for (const [what, token] of Object.entries(tampered)) {
      const f = await failure(async () => (await anon()).apiSubscription.confirm({ t: token }));
      expect(f, what).toMatchObject({ code: 300003, fields: { t: ["This link is not valid (it was changed, or is not for this site)"] } });
      const u = await failure(async () => (await anon()).apiSubscription.unsubscribe({ t: token }));
      expect(u, what).toMatchObject({ code: 300003 });
    }
    // A link for one purpose is no good for the other.
    expect(await failure(async () => (await anon()).apiSubscription.confirm({ t: signLink("unsubscribe", id, new Date(Date.now() + 60_000)) }))).toMatchObject({
      code: 300003,
    });
    expect(await failure(async () => (await anon()).apiSubscription.unsubscribe({ t: good }))).toMatchObject({ code: 300003 });
    expect(await t.db.apiSubscriber.count({ where: { apiResourceId: api.id, confirmedAt: { not: null } } })).toBe(0);
    expect(await t.db.apiSubscriber.count({ where: { apiResourceId: api.id } })).toBe(2);

    // Signed, but past its 30 minutes.
    const expired = signLink("confirm", id, new Date(Date.now() - 1000));
    expect(await failure(async () => (await anon()).apiSubscription.confirm({ t: expired }))).toMatchObject({
      code: 300003,
      fields: { t: ["This link has expired; subscribe again to get a new one"] },
    });

    // A good link on another tenant's host does nothing there.
    const onA = await w.callerFor(null, w.platform);
    expect(await failure(() => onA.apiSubscription.confirm({ t: good }))).toMatchObject({ code: 300003 });
    // Unsubscribing answers alike whether or not the link's subscriber is (still) there, and removes nobody elsewhere.
    await onA.apiSubscription.unsubscribe({ t: signLink("unsubscribe", id, new Date(Date.now() + 60_000)) });
    expect(await t.db.apiSubscriber.findUniqueOrThrow({ where: { id } })).toMatchObject({ confirmedAt: null });

    // The page's POST with a tampered token says so and changes nothing.
    const res = await link(
      new Request(`http://b.test/api/subscriptions/confirm?t=${encodeURIComponent(tampered["changed MAC"])}`, { method: "POST", headers: { host: "b.test" } }),
      "confirm",
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/subscriptions/confirm?result=invalid");
    // A GET of the one-click address shows the page (with its button) instead of acting.
    const get = await link(
      new Request(`http://b.test/api/subscriptions/unsubscribe?t=${encodeURIComponent(good)}`, { headers: { host: "b.test" } }),
      "unsubscribe",
    );
    expect(get.status).toBe(303);
    expect(get.headers.get("location")).toMatch(/\/subscriptions\/unsubscribe\?t=/);

    // The good link still works.
    expect(await (await anon()).apiSubscription.confirm({ t: good })).toMatchObject({ email });
  });

  it("limits confirmation emails per address so the form cannot flood a mailbox", async () => {
    const { api } = await freshApi("orders-flood");
    const caller = await anon();
    await caller.apiSubscription.subscribe({ id: api.id, email: "victim@example.com" });
    // Once a minute per address and API.
    expect(await failure(() => caller.apiSubscription.subscribe({ id: api.id, email: "victim@example.com" }))).toMatchObject({
      code: 10005,
      trpc: "TOO_MANY_REQUESTS",
    });
    // Across the tenant's APIs and callers: 5 an hour per address.
    // (the refused attempt counts too)
    for (let i = 0; i < 3; i++) {
      const { api: other } = await freshApi(`orders-flood-${i}`);
      await (await anon()).apiSubscription.subscribe({ id: other.id, email: "victim@example.com" });
    }
    const { api: sixth } = await freshApi("orders-flood-6");
    expect(await failure(async () => (await anon()).apiSubscription.subscribe({ id: sixth.id, email: "victim@example.com" }))).toMatchObject({ code: 10005 });
    expect(mailsTo("victim@example.com")).toHaveLength(4);
  });

  it("answers 401/403/404 on the console procedures and refuses unknown or disabled APIs to subscribers", async () => {
    const { api } = await freshApi("orders-acl");
    await (await anon()).apiSubscription.subscribe({ id: api.id, email: "acl@example.com" });
    const [sub] = (await (await w.callerFor(w.managerB.id)).apiSubscription.list({ id: api.id })).items;
    expect(await failure(async () => (await anon()).apiSubscription.list({ id: api.id }))).toMatchObject({ code: 10001 });
    const plain = await w.callerFor(w.plainB.id);
    expect(await failure(() => plain.apiSubscription.list({ id: api.id }))).toMatchObject({ code: 10002 });
    expect(await failure(() => plain.apiSubscription.remove({ id: sub!.id }))).toMatchObject({ code: 10002 });
    const adminA = await w.callerFor((await w.makeUser(w.platform.id, "sub-admin-a", ["administrator"])).id, w.platform);
    expect(await failure(() => adminA.apiSubscription.list({ id: api.id }))).toMatchObject({ code: 18001, trpc: "NOT_FOUND" });
    expect(await failure(() => adminA.apiSubscription.remove({ id: sub!.id }))).toMatchObject({ code: 300031, trpc: "NOT_FOUND" });
    // Another tenant's host cannot subscribe to this tenant's API.
    expect(await failure(async () => (await w.callerFor(null, w.platform)).apiSubscription.subscribe({ id: api.id, email: "x@example.com" }))).toMatchObject({
      code: 18001,
    });
    const admin = await w.callerFor(w.managerB.id);
    expect(await admin.apiSubscription.remove({ id: sub!.id })).toEqual({ id: sub!.id });
    expect(await t.db.auditLog.count({ where: { action: "apiresource.deletesubscription", recordId: sub!.id } })).toBe(1);
    await t.db.apiResource.update({ where: { id: api.id }, data: { enabled: false } });
    expect(await failure(async () => (await anon()).apiSubscription.subscribe({ id: api.id, email: "acl2@example.com" }))).toMatchObject({ code: 18001 });
  });

  it("sends nothing for a release that was rolled back", async () => {
    const { admin, api, v1 } = await freshApi("orders-rollback");
    const sub = await t.db.apiSubscriber.create({
      data: { tenantId: w.tenantB.id, apiResourceId: api.id, email: "rb@example.com", locale: "en", origin: "https://test", confirmedAt: new Date() },
    });
    const r1 = await imported(admin.apiPublish.importRevision({ id: api.id, versionId: v1.id, source: { kind: "text", text: JSON.stringify(OPENAPI()) } }));
    await admin.apiPublish.setOnline({ id: r1.id });
    const r2 = await imported(
      admin.apiPublish.importRevision({
        id: api.id,
        versionId: v1.id,
        source: { kind: "text", text: JSON.stringify({ ...OPENAPI(), paths: {} }) },
      }),
    );
    const jobs = await t.db.job.count({ where: { kind: "api.release-mail" } });
    // Breaking without confirmation: setOnline throws, its transaction (and the job in it) is gone.
    expect(await failure(() => admin.apiPublish.setOnline({ id: r2.id }))).toMatchObject({ code: 300011 });
    expect(await t.db.job.count({ where: { kind: "api.release-mail" } })).toBe(jobs);
    await drainAllJobs(t.db);
    expect(await t.db.apiReleaseDelivery.count({ where: { subscriberId: sub.id } })).toBe(1);
  });

  it("has a REST mirror: POST /api-resources/{id}/subscribers on the tenant's host, no sign-in, links to that host", async () => {
    const { api } = await freshApi("orders-rest");
    const post = (host: string, body: unknown) =>
      handleRest(
        new Request(`http://${host}/api/v1/api-resources/${api.id}/subscribers`, {
          method: "POST",
          headers: { host, "content-type": "application/json", "accept-language": "en" },
          body: JSON.stringify(body),
        }),
        t.db,
      );
    const res = await post("b.test", { email: "rest@example.com" });
    expect(res.status).toBe(200);
    expect(mailsTo("rest@example.com")[0]?.text).toContain("http://b.test/subscriptions/confirm?t=");
    expect((await post("b.test", { email: "not an email" })).status).toBe(400);
    // Another tenant's host does not know this API.
    expect((await post("localhost", { email: "rest2@example.com" })).status).toBe(404);
  });
});
