import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc";
import { tenantRouter } from "~/server/api/routers/tenant";
import { permissionRouter } from "~/server/api/routers/permission";
import { meRouter } from "~/server/api/routers/me";
import { sessionRouter } from "~/server/api/routers/session";
import { authRouter } from "~/server/api/routers/auth";
import { outboxRouter } from "~/server/api/routers/outbox";
import { lockRouter } from "~/server/api/routers/lock";
import { roleRouter } from "~/server/api/routers/role";
import { auditRouter } from "~/server/api/routers/audit";
import { exportRouter } from "~/server/api/routers/export";
import { userRouter } from "~/server/api/routers/user";
import { teamRouter } from "~/server/api/routers/team";
import { clientRouter } from "~/server/api/routers/client";
import { apiResourceRouter } from "~/server/api/routers/apiResource";
import { portalRouter } from "~/server/api/routers/portal";
import { apiProductRouter } from "~/server/api/routers/apiProduct";
import { apiPublishRouter } from "~/server/api/routers/apiPublish";
import { apiSubscriptionRouter } from "~/server/api/routers/apiSubscription";
import { apiPackageRouter } from "~/server/api/routers/apiPackage";
import { apiScopeRouter } from "~/server/api/routers/apiScope";
import { identityResourceRouter } from "~/server/api/routers/identityResource";
import { fileRouter } from "~/server/api/routers/file";
import { dashboardRouter } from "~/server/api/routers/dashboard";
import { messageTemplateRouter } from "~/server/api/routers/messageTemplate";
import { codegenRouter } from "~/server/api/routers/codegen";
import { jobRouter } from "~/server/api/routers/job";
import { sdkReleaseRouter } from "~/server/api/routers/sdkRelease";

/** One router per resource. */
export const appRouter = createTRPCRouter({
  tenant: tenantRouter,
  permission: permissionRouter,
  me: meRouter,
  session: sessionRouter,
  auth: authRouter,
  outbox: outboxRouter,
  lock: lockRouter,
  role: roleRouter,
  audit: auditRouter,
  export: exportRouter,
  user: userRouter,
  team: teamRouter,
  client: clientRouter,
  apiResource: apiResourceRouter,
  apiPublish: apiPublishRouter,
  apiProduct: apiProductRouter,
  portal: portalRouter,
  apiSubscription: apiSubscriptionRouter,
  apiPackage: apiPackageRouter,
  apiScope: apiScopeRouter,
  identityResource: identityResourceRouter,
  file: fileRouter,
  dashboard: dashboardRouter,
  messageTemplate: messageTemplateRouter,
  codegen: codegenRouter,
  job: jobRouter,
  sdkRelease: sdkReleaseRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
