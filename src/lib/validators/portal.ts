/** What the public developer portal answers (src/server/services/portal.ts). */
import { z } from "zod";
import { changelog } from "~/lib/validators/api-publish";

export const portalProduct = z.object({
  id: z.uuid(),
  name: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  approvalRequired: z.boolean(),
  requestLimit: z.number().int().nullable(),
});
export const portalApi = z.object({
  id: z.uuid(),
  name: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  versions: z.array(
    z.object({ id: z.uuid(), name: z.string(), onlineRevision: z.number().int(), title: z.string(), operationCount: z.number().int(), updatedAt: z.date() }),
  ),
  products: z.array(portalProduct),
});
export type PortalApi = z.infer<typeof portalApi>;
export const portalRelease = z.object({
  id: z.uuid(),
  versionId: z.uuid(),
  revisionId: z.uuid(),
  revisionNumber: z.number().int(),
  notes: z.string(),
  createdAt: z.date(),
  changes: changelog.nullable(),
});
export const portalPackage = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  publisher: z.string().nullable(),
  link: z.string(),
  icon: z.string().nullable(),
  platform: z.string(),
  language: z.string().nullable(),
  tags: z.array(z.string()),
});
export const portalApiDetail = portalApi.extend({ releases: z.array(portalRelease), packages: z.array(portalPackage) });
export type PortalApiDetail = z.infer<typeof portalApiDetail>;
export const portalDocument = z.object({ revisionId: z.uuid(), number: z.number().int(), online: z.boolean(), document: z.record(z.string(), z.unknown()) });
export type PortalDocument = z.infer<typeof portalDocument>;
export const portalDocumentInput = z.object({ versionId: z.uuid(), revisionId: z.uuid().optional() });
