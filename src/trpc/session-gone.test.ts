import { beforeAll, describe, expect, it } from "vitest";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import type { Context } from "~/server/api/trpc";
import { USER_PASSWORD, setupWorld } from "~/test/fixtures";
import { sessionGone } from "~/trpc/session-gone";

const env = setupWorld();
let w: typeof env.w;
beforeAll(() => {
  w = env.w;
});

/** One tRPC mutation over HTTP, as the console's client sends it: answers the error's shape (what TRPCClientError carries). */
async function mutationError(ctx: Context, path: string, input: unknown) {
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://b.test/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: input }),
    }),
    router: appRouter,
    createContext: () => ctx,
  });
  const body = (await res.json()) as {
    error?: { json: { message: string; data: { httpStatus: number; appCode: number; fields: Record<string, string[]> | null } } };
  };
  return { status: res.status, error: body.error!.json };
}

describe("which 401s end the console session (sessionGone)", () => {
  it("a wrong current password is a 401 about the field, not a lost session: the form keeps it", async () => {
    const u = await w.makeUser(w.tenantB.id, "wrongcurrent", ["user"]);
    const ctx = await w.ctxFor(u.id, w.tenantB, "web", { locale: "en" });
    const { status, error } = await mutationError(ctx, "auth.changePassword", { current: "not my password", password: "my new long passphrase" });
    expect(status).toBe(401);
    expect(error.data).toMatchObject({ httpStatus: 401, appCode: 12001, fields: { current: [expect.any(String)] } });
    expect(sessionGone(error)).toBe(false);
    // The session is still good: the caller stays signed in.
    expect(sessionGone(await mutationError(ctx, "auth.changePassword", { current: USER_PASSWORD, password: "password" }).then((r) => r.error))).toBe(false);
  });

  it("no valid identity (10001) is", async () => {
    const anon = await w.ctxFor(null, w.tenantB);
    const { status, error } = await mutationError(anon, "auth.changePassword", { current: USER_PASSWORD, password: "my new long passphrase" });
    expect(status).toBe(401);
    expect(error.data.appCode).toBe(10001);
    expect(sessionGone(error)).toBe(true);
    expect(sessionGone(new Error("network"))).toBe(false);
    expect(sessionGone(null)).toBe(false);
  });
});
