-- Exports become a kind of Job ("export"): one table, one lease protocol, one progress shape for
-- every long job. Each ExportJob row is carried over with its id (download links and audit rows
-- keep pointing at it): what it was asked in "input", the file it wrote in "result", its status,
-- times, lease, progress and error as they were. Then ExportJob and its enum go.

-- CopyRows
INSERT INTO "Job" ("id", "kind", "tenantId", "actorId", "input", "status", "total", "done", "result", "error", "createdAt", "startedAt", "finishedAt", "leaseUntil")
SELECT "id",
       'export',
       "tenantId",
       "actorId",
       jsonb_build_object('resource', "resource", 'format', "format", 'locale', "locale", 'filter', "filter"),
       "status"::text::"JobStatus",
       "total",
       "done",
       CASE
         WHEN "fileName" IS NULL AND "fileKey" IS NULL AND "size" IS NULL THEN NULL
         ELSE jsonb_strip_nulls(jsonb_build_object('fileName', "fileName", 'fileKey', "fileKey", 'size', "size"))
       END,
       "error",
       "createdAt",
       "startedAt",
       "finishedAt",
       "leaseUntil"
  FROM "ExportJob";

-- DropTable
DROP TABLE "ExportJob";

-- DropEnum
DROP TYPE "ExportStatus";
