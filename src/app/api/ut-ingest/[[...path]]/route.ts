import { db } from "~/server/db";
import { handleIngest } from "~/server/files/ingest";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ path?: string[] }> };

/** The built-in ingest server (UploadThing's ingest protocol): see src/server/files/ingest.ts. */
const handle = async (req: Request, { params }: Params) => handleIngest(db, req, (await params).path ?? []);
export const POST = handle;
export const PUT = handle;
export const HEAD = handle;
