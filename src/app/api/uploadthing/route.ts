import type { NextRequest } from "next/server";
import { routeHandlerFor } from "~/server/files/handler";

export const dynamic = "force-dynamic";

/** uploadthing's route: the router config (GET), presigned uploads and ingest callbacks (POST). */
export const GET = (req: NextRequest) => routeHandlerFor(req).GET(req);
export const POST = (req: NextRequest) => routeHandlerFor(req).POST(req);
