/**
 * Application error codes. Every error the API returns carries one of these numbers; each
 * resource publishes its table (`{ code, name, description }`) in both languages, whose words
 * come from next-intl's messages (one source of translations for the console and the API).
 * The tRPC error formatter maps `AppError` to HTTP status through `status` here, in one place.
 */
import { translator } from "~/i18n/catalog";

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502 | 503 | 504;

export interface ErrorDef {
  status: ErrorStatus;
  zh: [name: string, description: string];
  en: [name: string, description: string];
}

/**
 * Each code and its HTTP status, by resource. The name and description of code N in each
 * language are `appErrors.N.name` / `appErrors.N.description` in
 * src/i18n/messages/<locale>/appErrors.json. To add a code: a `code: status` entry in its
 * resource here, and the two messages in both languages' appErrors.json.
 */
export const ERROR_STATUS = {
  common: {
    10000: 500,
    10001: 401,
    10002: 403,
    10003: 400,
    10004: 404,
    10005: 429,
    10006: 403,
    10007: 404,
    10008: 403,
    10009: 409,
    10010: 400,
    10011: 415,
    10012: 400,
    10013: 413,
  },
  auth: { 12001: 401, 12002: 403, 12003: 403, 12004: 404, 12005: 404, 12006: 400, 12007: 400, 12008: 502, 12009: 409, 12010: 409, 12011: 403 },
  session: { 13001: 404, 13002: 409 },
  code: { 14001: 400, 14002: 429, 14003: 429, 14004: 400, 14005: 409, 14006: 400, 14007: 403, 14008: 400 },
  tenant: { 11001: 404, 11002: 409, 11003: 409, 11004: 409, 11005: 500 },
  user: { 15001: 404, 15002: 409, 15003: 409, 15004: 400, 15005: 409, 15006: 400, 15007: 413, 15008: 400, 15009: 400, 15010: 400 },
  role: { 16001: 404, 16002: 409, 16003: 409, 16004: 400, 16005: 409, 16006: 403 },
  client: { 17001: 404, 17002: 401, 17003: 400, 17004: 400, 17005: 403, 17006: 403, 17007: 400, 17008: 404, 17009: 409, 17010: 404, 17011: 400 },
  api: { 18001: 404, 18002: 409, 18003: 409, 18004: 400, 18005: 400, 18006: 409, 18007: 404, 18008: 404, 18009: 409 },
  export: { 19001: 404, 19002: 409, 19003: 400, 19004: 404 },
  file: { 20001: 415, 20002: 413, 20003: 400, 20004: 400, 20005: 400, 20006: 413, 20007: 413, 20008: 404, 20009: 400, 20010: 400, 20011: 400 },
  template: { 21001: 400 },
  publish: {
    300001: 404,
    300002: 400,
    300003: 400,
    300004: 409,
    300005: 409,
    300006: 400,
    300007: 409,
    300008: 400,
    300009: 404,
    300010: 409,
    300011: 409,
    300012: 400,
    300013: 413,
    300014: 404,
    300015: 409,
    300016: 502,
    300017: 404,
    300018: 404,
    300019: 404,
    300020: 502,
    300021: 504,
    300022: 404,
    300023: 409,
    300024: 400,
    300030: 404,
    300031: 404,
    300040: 404,
    300041: 409,
    300042: 404,
    300043: 409,
    300044: 400,
    300045: 404,
    300046: 502,
    300047: 400,
    300048: 409,
    300049: 409,
    300050: 409,
  },
  /** Code generation (SDKs): 200001–200019 here; SDK releases and Git sync use 200020–200039. */
  codegen: {
    200001: 400,
    200002: 404,
    200003: 500,
    200004: 404,
    200005: 409,
    200006: 409,
    200007: 404,
    200008: 500,
    200009: 504,
    200010: 409,
    200011: 500,
    200012: 404,
    200013: 404,
    200014: 429,
    200015: 400,
    200016: 400,
    200017: 404,
    200020: 409,
    200021: 502,
    200022: 400,
    200023: 404,
    200024: 409,
    200025: 400,
    200026: 502,
    200027: 404,
    200028: 409,
    200029: 409,
    200030: 409,
    200031: 400,
  },
} as const satisfies Record<string, Record<number, ErrorStatus>>;

type ErrorTables = { [R in keyof typeof ERROR_STATUS]: { [C in keyof (typeof ERROR_STATUS)[R]]: ErrorDef } };

const entry = (locale: Locale, code: number): [string, string] => {
  const t = translator(locale, "appErrors");
  return [t(`${code}.name`), t(`${code}.description`)];
};

/**
 * The tables in the shape they always had (`{ status, zh: [name, description], en: [...] }`), read
 * from the messages when asked for: both languages are at hand on the server only (the browser's
 * catalog holds the page's language, src/i18n/catalog.ts).
 */
export const errorTables = (): ErrorTables =>
  Object.fromEntries(
    Object.entries(ERROR_STATUS).map(([resource, codes]) => [
      resource,
      Object.fromEntries(Object.entries(codes).map(([code, status]) => [code, { status, zh: entry("zh-CN", Number(code)), en: entry("en", Number(code)) }])),
    ]),
  ) as ErrorTables;

export type ErrorResource = keyof typeof ERROR_STATUS;
type Codes<T> = T extends Record<infer K, ErrorDef> ? K : never;
export type AppErrorCode = { [R in ErrorResource]: Codes<ErrorTables[R]> }[ErrorResource];

const STATUS_OF: Record<number, ErrorStatus> = Object.assign({}, ...Object.values(ERROR_STATUS));

export type Locale = "zh-CN" | "en";

/** A code's status, name and description in `locale`; an unknown code reads as 10000. */
export function describeError(code: number, locale: Locale) {
  const known = Object.hasOwn(STATUS_OF, code) ? code : 10000;
  const [name, description] = entry(locale, known);
  return { code: known, status: STATUS_OF[known]!, name, description };
}

export function errorTable(resource: ErrorResource, locale: Locale) {
  return Object.keys(ERROR_STATUS[resource]).map((code) => {
    const { status, ...rest } = describeError(Number(code), locale);
    return { ...rest, status };
  });
}
