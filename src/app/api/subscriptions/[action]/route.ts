import { db } from "~/server/db";
import { subscriptionLinkResponse } from "~/server/api/subscription-links";

export const dynamic = "force-dynamic";

/** Confirm and one-click unsubscribe links of subscribers' emails (src/server/api/subscription-links.ts). */
const handle = async (req: Request, { params }: { params: Promise<{ action: string }> }) => subscriptionLinkResponse(req, (await params).action, db);
export { handle as GET, handle as POST };
