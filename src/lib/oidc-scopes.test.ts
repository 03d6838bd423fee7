import { describe, expect, it } from "vitest";
import { signInScope } from "~/lib/oidc-scopes";

describe("signInScope: what a client's sign-in (Try it, the integration samples) asks for", () => {
  const served = ["openid", "profile", "email", "phone", "address", "employee", "offline_access"];
  it("asks for the standard scopes for a client that lists none", () => {
    expect(signInScope([], served)).toBe("openid profile email phone");
    expect(signInScope(["uc.user.get", "orders.read"], served)).toBe("openid profile email phone");
  });
  it("asks only for what the client lists, custom identity resources included, as the provider allows", () => {
    expect(signInScope(["openid"], served)).toBe("openid");
    expect(signInScope(["employee"], served)).toBe("openid employee");
    expect(signInScope(["email", "offline_access", "orders.read"], served)).toBe("openid email");
  });
  it("never asks for a scope the tenant does not serve", () => {
    expect(signInScope(["employee"])).toBe("openid profile email phone");
  });
});
