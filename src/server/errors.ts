import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { describeError, type AppErrorCode, type ErrorStatus } from "~/lib/errors";

const TRPC_CODE: Record<ErrorStatus, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
  500: "INTERNAL_SERVER_ERROR",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

/**
 * The one application error type. It is a TRPCError so that tRPC, the REST adapter and
 * `createCaller` all see the right HTTP status; the error formatter adds the numeric code,
 * its name and description in the caller's language, and `fields` for 400s.
 */
export class AppError extends TRPCError {
  readonly appCode: AppErrorCode;
  readonly fields?: Record<string, string[]>;
  constructor(appCode: AppErrorCode, fields?: Record<string, string[]>) {
    const { status, description } = describeError(appCode, "en");
    super({ code: TRPC_CODE[status], message: description });
    this.appCode = appCode;
    this.fields = fields;
  }
}

/** The application code for any tRPC error that did not start as an AppError. */
export function appCodeFor(error: TRPCError): AppErrorCode {
  if (error instanceof AppError) return error.appCode;
  switch (error.code) {
    case "UNAUTHORIZED":
      return 10001;
    case "FORBIDDEN":
      return 10002;
    case "BAD_REQUEST":
    case "UNPROCESSABLE_CONTENT":
      return 10003;
    case "PARSE_ERROR":
      return 10012;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 10011;
    case "PAYLOAD_TOO_LARGE":
      return 10013;
    case "NOT_FOUND":
      return 10004;
    case "TOO_MANY_REQUESTS":
      return 10005;
    case "CONFLICT":
      return 10009;
    case "METHOD_NOT_SUPPORTED":
      return 10010;
    default:
      return 10000;
  }
}

/** Prisma's unique-constraint violation, for services that turn it into a 409. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";
}
