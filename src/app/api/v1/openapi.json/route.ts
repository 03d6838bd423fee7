import { openApiResponse } from "~/server/api/openapi";
import { db } from "~/server/db";

export const dynamic = "force-dynamic";

/** The OpenAPI document, its server named by the tenant host it was asked on. */
export const GET = (req: Request) => openApiResponse(db, req.headers);
