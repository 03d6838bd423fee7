import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import {
  clientCreateInput,
  clientDetail,
  clientListInput,
  clientSummary,
  clientUpdateInput,
  issueTokenInput,
  issuedToken,
  scopeChoices,
  scopeChoicesInput,
  secretCreateInput,
  secretCreated,
  secretDeleteInput,
} from "~/lib/validators/client";
import * as clients from "~/server/services/client";
import { tryResultInput, tryRun } from "~/lib/validators/client-try";
import { readTryResult } from "~/server/oidc/try-result";
import { AppError } from "~/server/errors";

const tags = ["client"];

/** OAuth clients: developers manage their own, administrators their tenant's, operators all. */
export const clientRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: errorCodesProcedure("/clients/error-codes", tags, ["client"]),

  scopeChoices: requirePermission("uc.client.get")
    .meta({
      openapi: {
        method: "GET",
        path: "/clients/scope-choices",
        tags,
        protect: true,
        summary: "Identity resources and API scopes a client of the tenant may ask for",
      },
    })
    .input(scopeChoicesInput)
    .output(scopeChoices)
    .query(({ ctx, input }) => clients.listScopeChoices(ctx, input.tenantId)),

  list: requirePermission("uc.client.get")
    .meta({ openapi: { method: "GET", path: "/clients", tags, protect: true, summary: "List OAuth clients" } })
    .input(clientListInput)
    .output(listOutput(clientSummary))
    .query(({ ctx, input }) => clients.listClients(ctx, input)),

  detail: requirePermission("uc.client.detail")
    .meta({ openapi: { method: "GET", path: "/clients/{id}", tags, protect: true, summary: "OAuth client detail (secrets as hints only)" } })
    .input(idInput)
    .output(clientDetail)
    .query(({ ctx, input }) => clients.getClient(ctx, input.id)),

  create: requirePermission("uc.client.post")
    .meta({ openapi: { method: "POST", path: "/clients", tags, protect: true, summary: "Create an OAuth client" } })
    .input(clientCreateInput)
    .output(clientDetail)
    .mutation(({ ctx, input }) => clients.createClient(ctx, input)),

  update: requirePermission("uc.client.put")
    .meta({ openapi: { method: "PUT", path: "/clients/{id}", tags, protect: true, summary: "Update an OAuth client" } })
    .input(clientUpdateInput)
    .output(clientDetail)
    .mutation(({ ctx, input }) => clients.updateClient(ctx, input)),

  delete: requirePermission("uc.client.delete")
    .meta({ openapi: { method: "DELETE", path: "/clients/{id}", tags, protect: true, summary: "Delete an OAuth client and its secrets" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => clients.deleteClient(ctx, input.id)),

  createSecret: requirePermission("uc.client.secret")
    .meta({ openapi: { method: "POST", path: "/clients/{id}/secrets", tags, protect: true, summary: "Generate a secret (answered once, in clear)" } })
    .input(secretCreateInput)
    .output(secretCreated)
    .mutation(({ ctx, input }) => clients.createSecret(ctx, input)),

  deleteSecret: requirePermission("uc.client.secret")
    .meta({ openapi: { method: "DELETE", path: "/clients/{id}/secrets/{secretId}", tags, protect: true, summary: "Delete a secret" } })
    .input(secretDeleteInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => clients.deleteSecret(ctx, input.id, input.secretId)),

  issueToken: requirePermission("uc.client.issuetoken")
    .meta({ openapi: { method: "POST", path: "/clients/{id}/token", tags, protect: true, summary: "Issue a test client-credentials token" } })
    .input(issueTokenInput)
    .output(issuedToken)
    .mutation(({ ctx, input }) => clients.issueTestToken(ctx, input)),

  // The console's "Try it" result (src/server/oidc/try.ts): only the user who ran it, with the client page's guard.
  tryResult: requirePermission("uc.client.detail")
    .meta({ openapi: { method: "GET", path: "/clients/{id}/try/{run}", tags, protect: true, summary: "The result of my Try it run on this client" } })
    .input(tryResultInput)
    .output(tryRun)
    .query(async ({ ctx, input }) => {
      const client = await clients.getClient(ctx, input.id);
      const run = ctx.actor.client ? null : await readTryResult(ctx.db, client.tenantId, input.run, client.id, ctx.actor.userId);
      if (!run) throw new AppError(17001);
      return run;
    }),
});
