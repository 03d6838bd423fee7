// libnpmpublish ships no types: the two calls the release pipeline makes.
declare module "libnpmpublish" {
  export function publish(manifest: Record<string, unknown>, tarball: Buffer, opts: Record<string, unknown>): Promise<Response>;
  export function unpublish(spec: string, opts: Record<string, unknown>): Promise<boolean>;
}
