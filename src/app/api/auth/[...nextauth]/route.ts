import NextAuth from "next-auth";
import { getAuthOptions } from "~/server/auth";
import { withRequestLog } from "~/server/log";

export const dynamic = "force-dynamic";

type Handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;
// The request id (x-request-id) rides on every line the sign-in logs.
const handler: Handler = (req, ctx) => withRequestLog(req, () => (NextAuth(getAuthOptions()) as Handler)(req, ctx));

export { handler as GET, handler as POST };
