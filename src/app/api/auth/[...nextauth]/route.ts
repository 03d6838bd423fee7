import NextAuth from "next-auth";
import { getAuthOptions } from "~/server/auth";
import { malformedPathResponse, undecodablePath } from "~/server/request";

export const dynamic = "force-dynamic";

type Handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;
const handler: Handler = async (req, ctx) => (undecodablePath(req) ? malformedPathResponse(req) : (NextAuth(getAuthOptions()) as Handler)(req, ctx));

export { handler as GET, handler as POST };
