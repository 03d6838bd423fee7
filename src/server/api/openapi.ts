import { generateOpenApiDocument } from "trpc-to-openapi";
import { appRouter } from "~/server/api/root";
import pkg from "../../../package.json" with { type: "json" };

let doc: ReturnType<typeof generateOpenApiDocument> | undefined;

/** OpenAPI 3.1, generated from the same zod schemas the procedures validate with. */
export function openApiDocument() {
  return (doc ??= generateOpenApiDocument(appRouter, {
    title: "User Center API",
    description:
      "Every tRPC procedure of User Center, served as REST. Authenticate with the console's session cookie " +
      "(same-site only) or `Authorization: Bearer <token>`. Errors carry `data.appCode`, `data.name` and `data.description`.",
    version: pkg.version,
    baseUrl: "/api/v1",
  }));
}
