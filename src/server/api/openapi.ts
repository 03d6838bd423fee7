import { generateOpenApiDocument } from "trpc-to-openapi";
import { z } from "zod";
import { appRouter } from "~/server/api/root";
import { LOGIN_OPERATIONS, WECHAT_LOGIN_OPERATIONS, jsonLoginInput, jsonLoginResult, miniprogramLoginInput } from "~/lib/validators/login";
import pkg from "../../../package.json" with { type: "json" };

type Doc = ReturnType<typeof generateOpenApiDocument>;
let doc: Doc | undefined;

/** The JSON login routes are plain route handlers (seed 003's envelope), documented by hand from their zod schemas. */
function loginPaths(): NonNullable<Doc["paths"]> {
  const envelope = {
    type: "object",
    properties: {
      status: { type: "integer" },
      apid: { type: "string" },
      apis: { type: "string" },
      error: { type: "integer", description: "0, or an application error code" },
      reason: { type: "string" },
      message: { type: "string" },
      result: { anyOf: [z.toJSONSchema(jsonLoginResult), { type: "null" }] },
      fields: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
    },
    required: ["status", "apid", "apis", "error", "reason", "message", "result"],
  };
  return {
    "/login/{operation}": {
      post: {
        operationId: "login",
        tags: ["login"],
        summary: "JSON sign-in for apps and mini-programs; answers a bearer token",
        description:
          "x = platform console, r = a tenant's admin site; T phone, M email, N user name (with `pwd`, the 32-char MD5 hex of the password); " +
          "W a WeChat website code, A a mini-program wx.login() code (in `ustr`; the answer's `exists` tells whether an account is linked). " +
          "Send the token as `Authorization: Bearer <token>`; it is verifiable with /.well-known/jwks.json and ends with its login session.",
        parameters: [{ in: "path", name: "operation", required: true, schema: { type: "string", enum: [...Object.keys(LOGIN_OPERATIONS), ...WECHAT_LOGIN_OPERATIONS] } }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { oneOf: [z.toJSONSchema(jsonLoginInput, { io: "input" }), z.toJSONSchema(miniprogramLoginInput, { io: "input" })] } as object,
            },
          },
        },
        responses: {
          "200": { description: "Signed in", content: { "application/json": { schema: envelope } } },
          "400": { description: "Invalid input", content: { "application/json": { schema: envelope } } },
          "401": { description: "Wrong account or password", content: { "application/json": { schema: envelope } } },
          "403": { description: "Not allowed on this site, or role not held", content: { "application/json": { schema: envelope } } },
        },
      },
    },
  } as NonNullable<Doc["paths"]>;
}

/** OpenAPI 3.1, generated from the same zod schemas the procedures validate with. */
export function openApiDocument(): Doc {
  if (doc) return doc;
  const generated = generateOpenApiDocument(appRouter, {
    title: "User Center API",
    description:
      "Every tRPC procedure of User Center, served as REST. Authenticate with the console's session cookie " +
      "(same-site only) or `Authorization: Bearer <token>` from `/login/{operation}`. Errors carry `data.appCode`, `data.name` and `data.description`.",
    version: pkg.version,
    baseUrl: "/api/v1",
  });
  return (doc = { ...generated, paths: { ...generated.paths, ...loginPaths() } });
}
