import type { IncomingMessage } from "node:http";

/** A urlencoded form body of at most `limit` bytes, or null (another type, or too large: never buffered past it). */
export async function readForm(req: IncomingMessage, limit: number): Promise<URLSearchParams | null> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
