import { generateOpenApiDocument } from "trpc-to-openapi";
import { z } from "zod";
import { appRouter } from "~/server/api/root";
import { fileItem } from "~/lib/validators/file";
import { importPreview, importResult, userImportJob } from "~/lib/validators/user";
import { LOGIN_OPERATIONS, WECHAT_LOGIN_OPERATIONS, jsonLoginInput, jsonLoginResult, miniprogramLoginInput } from "~/lib/validators/login";
import { describeError } from "~/lib/errors";
import { LOCALE_COOKIE, pickLocale, readCookie } from "~/i18n/locale";
import type { Db } from "~/server/db";
import { requestHost, requestOrigin } from "~/server/request";
import { resolveTenant } from "~/server/services/host";
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
        parameters: [
          { in: "path", name: "operation", required: true, schema: { type: "string", enum: [...Object.keys(LOGIN_OPERATIONS), ...WECHAT_LOGIN_OPERATIONS] } },
        ],
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

/** POST /api/v1/files/upload takes multipart/form-data, which the REST mirror cannot: a route handler, documented by hand. */
function uploadPaths(): NonNullable<Doc["paths"]> {
  const error = { description: "Refused: `data.appCode` says why (20001 type by content, 20002 size, 20003 pixels, 20005 folder, 20006/20007 quota)" };
  return {
    "/files/upload": {
      post: {
        operationId: "file-upload",
        tags: ["file"],
        summary: "Upload files (multipart)",
        description:
          "Needs `uc.file.post` (a session bearer token or a client-credentials token). The type is decided from the bytes: " +
          "image = JPEG/PNG ≤ 10 MB and ≤ 4096×4096 (re-encoded, metadata removed); video = avi, mov, asf/wmv, flv, mkv, mp4, webm, mpeg ≤ 20 MB; " +
          "document = pdf, doc, docx, xls, xlsx ≤ 10 MB. Up to 10 `file` parts. Base64 PNGs: POST /files/base64.",
        security: [{ Authorization: [] }],
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["kind", "file"],
                properties: {
                  kind: { type: "string", enum: ["image", "video", "document"] },
                  folderName: { type: "string", pattern: "^[A-Za-z0-9]{5,30}$", description: "Default: today's yyyyMMdd" },
                  file: { type: "array", items: { type: "string", format: "binary" } },
                },
              },
            },
          },
        },
        responses: {
          "200": {
            description: "Stored",
            content: {
              "application/json": {
                schema: { type: "object", properties: { items: { type: "array", items: z.toJSONSchema(fileItem, { io: "output", unrepresentable: "any" }) } } },
              },
            },
          },
          "400": error,
          "401": error,
          "403": error,
          "413": error,
          "415": error,
        },
      },
    },
  } as NonNullable<Doc["paths"]>;
}

/** The user import takes multipart/form-data too: a route handler, documented by hand. */
function importPaths(): NonNullable<Doc["paths"]> {
  const error = {
    description:
      "Refused: `data.appCode` says why (15006 not a CSV or XLSX, 15007 over 10 MB or 50,000 rows, 15008 a cell over 1,000 characters, 15009 no user name / phone / email column, 15010 a column twice)",
  };
  const json = (schema: z.ZodType) => ({ "application/json": { schema: z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) } });
  return {
    "/users/import": {
      post: {
        operationId: "user-import",
        tags: ["user"],
        summary: "Import users from a CSV or XLSX file (multipart): preview, then import",
        description:
          "Needs `uc.user.import` and `uc.user.post`; users go to the caller's tenant (a platform operator may name another in `tenantId`). `mode=preview` checks every row (the create schema, the password policy, roles by name, " +
          "hashes, duplicates in the file and in the tenant) and writes nothing; `mode=import` checks the file again and creates each valid row in its own " +
          "transaction. Up to 200 rows answer `{ result }`; a larger file answers `{ job }`, read with GET /users/import-jobs/{id} (API clients: 200 rows at most). " +
          "Columns (headers in English or Chinese): User name, Phone, Email, Nickname, Roles, Disabled, Initial password, Password hash (argon2, bcrypt or MD5 hex), Hash type.",
        security: [{ Authorization: [] }],
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["file"],
                properties: {
                  file: { type: "string", format: "binary" },
                  mode: { type: "string", enum: ["preview", "import"], default: "preview" },
                  tenantId: { type: "string", format: "uuid", description: "Platform operators only: the tenant the users go to." },
                },
              },
            },
          },
        },
        responses: {
          "200": {
            description: "The preview, or the import's result or job",
            content: json(z.union([importPreview, z.object({ result: importResult.nullable(), job: userImportJob.nullable() })])),
          },
          "400": error,
          "401": error,
          "403": error,
          "413": error,
        },
      },
      get: {
        operationId: "user-import-template",
        tags: ["user"],
        summary: "The import template (headers in the caller's language)",
        security: [{ Authorization: [] }],
        parameters: [{ name: "format", in: "query", schema: { type: "string", enum: ["csv", "xlsx"], default: "xlsx" } }],
        responses: { "200": { description: "The file" }, "401": error, "403": error },
      },
    },
  } as NonNullable<Doc["paths"]>;
}

/** POST /api/oauth/token lives outside /api/v1 (a plain route handler): documented by hand, with its own server. */
function tokenPaths(): NonNullable<Doc["paths"]> {
  const error = {
    type: "object",
    properties: {
      error: { type: "string", enum: ["invalid_request", "invalid_client", "unsupported_grant_type", "unauthorized_client", "invalid_scope"] },
      error_description: { type: "string" },
    },
    required: ["error"],
  };
  const json = (schema: object) => ({ "application/json": { schema } });
  return {
    "/oauth/token": {
      servers: [{ url: "/api" }],
      post: {
        operationId: "oauthToken",
        tags: ["oauth"],
        summary: "OAuth 2.0 token endpoint: client credentials (RFC 6749 §4.4)",
        description:
          "Authenticate the client with HTTP Basic (`client_id:client_secret`, each form-url-encoded, RFC 6749 §2.3.1) " +
          "or with `client_id` and `client_secret` in the body, not both. `scope` is optional (space-separated); it must lie within " +
          "the client's allowed scopes (a wildcard such as `uc.user.all` covers the codes under it); absent, the token carries all of them. " +
          "Call it on the client's tenant's host. The answer is an ES256 JWT (`kid` in the header; keys at /.well-known/jwks.json) with " +
          "iss `urn:user-center:tenant:<tenantId>`, aud `urn:user-center:api`, sub and client_id the client id, tid the tenant id, scope, iat, exp, jti. " +
          "Send it as `Authorization: Bearer <token>` to /api/v1: each operation's permission code is checked against the token's scopes.",
        security: [{ clientBasic: [] }, {}],
        requestBody: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": {
              schema: {
                type: "object",
                properties: {
                  grant_type: { type: "string", enum: ["client_credentials"] },
                  scope: { type: "string", example: "uc.user.get uc.role.all" },
                  client_id: { type: "string" },
                  client_secret: { type: "string" },
                },
                required: ["grant_type"],
              },
            },
          },
        },
        responses: {
          "200": {
            description: "An access token (Cache-Control: no-store)",
            content: json({
              type: "object",
              properties: {
                access_token: { type: "string" },
                token_type: { type: "string", enum: ["Bearer"] },
                expires_in: { type: "integer", description: "Seconds; the client's token lifetime (300 by default)" },
                scope: { type: "string" },
              },
              required: ["access_token", "token_type", "expires_in", "scope"],
            }),
          },
          "400": { description: "invalid_request, unsupported_grant_type, unauthorized_client or invalid_scope", content: json(error) },
          "401": { description: "invalid_client (with WWW-Authenticate when Basic was used)", content: json(error) },
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
      "(same-site only), `Authorization: Bearer <token>` from `/login/{operation}`, or a client-credentials token from `/api/oauth/token`. Errors carry `data.appCode`, `data.name` and `data.description`.",
    version: pkg.version,
    baseUrl: "/api/v1",
  });
  const components = {
    ...generated.components,
    securitySchemes: { ...generated.components?.securitySchemes, clientBasic: { type: "http", scheme: "basic", description: "client_id and client_secret" } },
  } as NonNullable<Doc["components"]>;
  return (doc = { ...generated, components, paths: { ...generated.paths, ...loginPaths(), ...tokenPaths(), ...uploadPaths(), ...importPaths() } });
}

/**
 * GET /api/v1/openapi.json: the document names its server by the tenant host it was asked on (as
 * tenancy resolves it: X-Forwarded-Host only behind a trusted proxy; scheme from the socket or that
 * proxy), never by a configured default; a host bound to no tenant gets 10007.
 */
export async function openApiResponse(db: Db, h: Headers): Promise<Response> {
  if (!(await resolveTenant(db, requestHost(h)))) {
    const d = describeError(10007, pickLocale(readCookie(h.get("cookie"), LOCALE_COOKIE), h.get("accept-language")));
    const data = { code: "NOT_FOUND", httpStatus: d.status, appCode: d.code, name: d.name, description: d.description, fields: null };
    return Response.json({ message: d.description, code: "NOT_FOUND", data }, { status: d.status });
  }
  return Response.json({ ...openApiDocument(), servers: [{ url: `${requestOrigin(h)}/api/v1` }] }, { headers: { "cache-control": "no-store", vary: "host" } });
}
