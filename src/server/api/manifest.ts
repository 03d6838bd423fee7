import type { AnyTRPCProcedure } from "@trpc/server";
import { appRouter } from "~/server/api/root";
import type { Meta } from "~/server/api/trpc";

export interface ManifestEntry {
  path: string;
  /** Position in the router: the REST layer tries routes in this order. */
  order: number;
  type: "query" | "mutation" | "subscription";
  permission: string | null;
  public: boolean;
  rest: string | null;
}

/** One entry per procedure, read from the same meta the guards and the REST mirror use. */
export function apiManifest(): ManifestEntry[] {
  // At run time tRPC v11 keeps the procedures flat, keyed by their dotted path.
  const procedures = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
  return Object.entries(procedures)
    .map(([path, proc], order) => {
      const meta = (proc._def.meta ?? {}) as Meta;
      return {
        path,
        order,
        type: proc._def.type,
        permission: meta.permission ?? null,
        public: meta.public === true,
        rest: meta.openapi ? `${meta.openapi.method} /api/v1${meta.openapi.path}` : null,
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}
