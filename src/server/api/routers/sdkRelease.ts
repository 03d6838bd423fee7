import { createTRPCRouter, errorCodesProcedure, requirePermission } from "~/server/api/trpc";
import { gitSyncInput, sdkJobStarted, sdkReleaseInput, sdkReleasePlan, sdkReleasePlanInput } from "~/lib/validators/sdk-release";
import { planSavedRelease, startGitSync, startRelease } from "~/server/codegen/release";
import { kickJobRunner } from "~/server/jobs/queues";

const tags = ["codegen"];

/**
 * Releasing an API's SDK to an npm registry (with a Git push and the package market entry) and
 * syncing its code to Git, each as a background job read and cancelled through job.get /
 * job.cancel. The requests name only what to release: the package, registry, Git remote and
 * their tokens are the ones saved on the SDKs tab (codegen.putNpmOptions / putGitOptions).
 */
export const sdkRelease = createTRPCRouter({
  errorCodes: errorCodesProcedure("/sdk-releases/error-codes", tags, ["codegen"]),

  // A POST: it asks the registry with the saved token.
  plan: requirePermission("uc.codegen.releasesdk")
    .meta({
      openapi: {
        method: "POST",
        path: "/sdk-releases/plan",
        tags,
        protect: true,
        summary: "The version a release would publish (bumped by the changelog) and whether the registry has it",
      },
    })
    .input(sdkReleasePlanInput)
    .output(sdkReleasePlan)
    .mutation(({ ctx, input }) => planSavedRelease(ctx, input)),

  release: requirePermission("uc.codegen.releasesdk")
    .meta({
      openapi: {
        method: "POST",
        path: "/sdk-releases",
        tags,
        protect: true,
        summary: "Release an API's SDK with its saved settings: generate, build, test, publish, push, list (a job)",
      },
    })
    .input(sdkReleaseInput)
    .output(sdkJobStarted)
    .mutation(async ({ ctx, input }) => {
      const r = await startRelease(ctx, input);
      kickJobRunner(ctx.db);
      return r;
    }),

  gitSync: requirePermission("uc.codegen.gitsync")
    .meta({
      openapi: {
        method: "POST",
        path: "/sdk-releases/git-sync",
        tags,
        protect: true,
        summary: "Push an API's generated code and docs to the saved Git remote, without npm (a job)",
      },
    })
    .input(gitSyncInput)
    .output(sdkJobStarted)
    .mutation(async ({ ctx, input }) => {
      const r = await startGitSync(ctx, input);
      kickJobRunner(ctx.db);
      return r;
    }),
});
export { sdkRelease as sdkReleaseRouter };
