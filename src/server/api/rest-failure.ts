import { describeError, type Locale } from "~/lib/errors";

/** The REST mirror's error body (`data.appCode`, `data.name`, `data.description`), for the routes of /api/v1 that are not procedures. */
export function restFailure(code: number, locale: Locale, path: string, fields: Record<string, string[]> | null = null) {
  const d = describeError(code, locale);
  return Response.json(
    {
      message: d.description,
      code: d.status,
      data: { httpStatus: d.status, path, appCode: d.code, name: d.name, description: d.description, fields },
    },
    { status: d.status },
  );
}
