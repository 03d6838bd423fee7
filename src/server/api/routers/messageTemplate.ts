import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import {
  messageTemplateItem,
  messageTemplateKey,
  messageTemplateListInput,
  messageTemplateListOutput,
  messageTemplateUpdateInput,
} from "~/lib/validators/message-template";
import * as svc from "~/server/services/message-templates";

const tags = ["messagetemplate"];
const one = "/message-templates/{purpose}/{channel}/{locale}";

/** A tenant's SMS and email texts for its one-time codes, per purpose, channel and language. */
export const messageTemplateRouter = createTRPCRouter({
  errorCodes: errorCodesProcedure("/message-templates/error-codes", tags, ["template"]),

  list: requirePermission("uc.messagetemplate.get")
    .meta({
      openapi: { method: "GET", path: "/message-templates", tags, protect: true, summary: "A tenant's message templates (its own or the built-in texts)" },
    })
    .input(messageTemplateListInput)
    .output(messageTemplateListOutput)
    .query(({ ctx, input }) => svc.listMessageTemplates(ctx, input)),

  get: requirePermission("uc.messagetemplate.detail")
    .meta({ openapi: { method: "GET", path: one, tags, protect: true, summary: "One message template" } })
    .input(messageTemplateKey)
    .output(messageTemplateItem)
    .query(({ ctx, input }) => svc.getMessageTemplate(ctx, input)),

  update: requirePermission("uc.messagetemplate.put")
    .meta({ openapi: { method: "PUT", path: one, tags, protect: true, summary: "Set a tenant's own text for a message" } })
    .input(messageTemplateUpdateInput)
    .output(messageTemplateItem)
    .mutation(({ ctx, input }) => svc.updateMessageTemplate(ctx, input)),

  reset: requirePermission("uc.messagetemplate.reset")
    .meta({ openapi: { method: "DELETE", path: one, tags, protect: true, summary: "Back to the built-in text" } })
    .input(messageTemplateKey)
    .output(messageTemplateItem)
    .mutation(({ ctx, input }) => svc.resetMessageTemplate(ctx, input)),
});
