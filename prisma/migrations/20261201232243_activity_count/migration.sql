-- CreateTable
CREATE TABLE "ActivityCount" (
    "tenantId" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "dimension" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "ActivityCount_pkey" PRIMARY KEY ("tenantId","metric","bucket","dimension")
);

-- CreateTable
CREATE TABLE "ActivityDelta" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "dimension" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "ActivityDelta_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ActivityCount_metric_bucket_idx" ON "ActivityCount"("metric", "bucket");

-- CreateIndex
CREATE INDEX "ActivityDelta_tenantId_metric_bucket_idx" ON "ActivityDelta"("tenantId", "metric", "bucket");

-- CreateIndex
CREATE INDEX "ActivityDelta_metric_bucket_idx" ON "ActivityDelta"("metric", "bucket");

-- The dashboard's counts (models ActivityCount and ActivityDelta in prisma/schema.prisma). A
-- trigger on each counted table inserts what a statement changed into ActivityDelta, in the
-- statement's own transaction, whatever writes the rows (the app, an import, a cascade,
-- housekeeping): INSERT and DELETE per statement from its transition table (one row per key),
-- UPDATE per row and only when a counted column is set (a session's lastSeenAt never fires it).
-- Housekeeping adds the deltas into ActivityCount (src/server/jobs/housekeeping.ts).

-- The quarter hour of UTC an instant falls in: every time zone in use today has midnights on
-- quarter hours, so a local day is a sum of whole buckets.
CREATE FUNCTION "uc_activity_bucket"(ts timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT date_bin('15 minutes', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') $$;


-- "User" → user
CREATE FUNCTION "uc_activity_user"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'user', "uc_activity_bucket"("createdAt"), '', count(*)::int
        FROM new_rows WHERE "deletedAt" IS NULL GROUP BY 1, 3, 4;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'user', "uc_activity_bucket"("createdAt"), '', -count(*)::int
        FROM old_rows WHERE "deletedAt" IS NULL GROUP BY 1, 3, 4;
  ELSIF TG_OP = 'UPDATE' THEN
    IF OLD."deletedAt" IS NULL THEN
      INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      VALUES (COALESCE(OLD."tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'user', "uc_activity_bucket"(OLD."createdAt"), '', -1);
    END IF;
    IF NEW."deletedAt" IS NULL THEN
      INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      VALUES (COALESCE(NEW."tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'user', "uc_activity_bucket"(NEW."createdAt"), '', 1);
    END IF;
  ELSE -- TRUNCATE
    DELETE FROM "ActivityDelta" WHERE "metric" = 'user';
    DELETE FROM "ActivityCount" WHERE "metric" = 'user';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "User_activity_insert" AFTER INSERT ON "User" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_user"();
CREATE TRIGGER "User_activity_delete" AFTER DELETE ON "User" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_user"();
CREATE TRIGGER "User_activity_update" AFTER UPDATE OF "tenantId", "createdAt", "deletedAt" ON "User" FOR EACH ROW
  WHEN (OLD."tenantId" IS DISTINCT FROM NEW."tenantId" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt" OR OLD."deletedAt" IS DISTINCT FROM NEW."deletedAt") EXECUTE FUNCTION "uc_activity_user"();
CREATE TRIGGER "User_activity_truncate" AFTER TRUNCATE ON "User" FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_user"();


-- "LoginSession" → signIn
CREATE FUNCTION "uc_activity_signIn"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signIn', "uc_activity_bucket"("createdAt"), "method", count(*)::int
        FROM new_rows GROUP BY 1, 3, 4;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signIn', "uc_activity_bucket"("createdAt"), "method", -count(*)::int
        FROM old_rows GROUP BY 1, 3, 4;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      VALUES (COALESCE(OLD."tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signIn', "uc_activity_bucket"(OLD."createdAt"), OLD."method", -1);
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      VALUES (COALESCE(NEW."tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signIn', "uc_activity_bucket"(NEW."createdAt"), NEW."method", 1);
  ELSE -- TRUNCATE
    DELETE FROM "ActivityDelta" WHERE "metric" = 'signIn';
    DELETE FROM "ActivityCount" WHERE "metric" = 'signIn';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "LoginSession_activity_insert" AFTER INSERT ON "LoginSession" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_signIn"();
CREATE TRIGGER "LoginSession_activity_delete" AFTER DELETE ON "LoginSession" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_signIn"();
CREATE TRIGGER "LoginSession_activity_update" AFTER UPDATE OF "tenantId", "createdAt", "method" ON "LoginSession" FOR EACH ROW
  WHEN (OLD."tenantId" IS DISTINCT FROM NEW."tenantId" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt" OR OLD."method" IS DISTINCT FROM NEW."method") EXECUTE FUNCTION "uc_activity_signIn"();
CREATE TRIGGER "LoginSession_activity_truncate" AFTER TRUNCATE ON "LoginSession" FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_signIn"();


-- "SignInFailure" → signInFailure
CREATE FUNCTION "uc_activity_signInFailure"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signInFailure', "uc_activity_bucket"("createdAt"), "code"::text, count(*)::int
        FROM new_rows GROUP BY 1, 3, 4;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signInFailure', "uc_activity_bucket"("createdAt"), "code"::text, -count(*)::int
        FROM old_rows GROUP BY 1, 3, 4;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      VALUES (COALESCE(OLD."tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signInFailure', "uc_activity_bucket"(OLD."createdAt"), OLD."code"::text, -1);
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      VALUES (COALESCE(NEW."tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signInFailure', "uc_activity_bucket"(NEW."createdAt"), NEW."code"::text, 1);
  ELSE -- TRUNCATE
    DELETE FROM "ActivityDelta" WHERE "metric" = 'signInFailure';
    DELETE FROM "ActivityCount" WHERE "metric" = 'signInFailure';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "SignInFailure_activity_insert" AFTER INSERT ON "SignInFailure" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_signInFailure"();
CREATE TRIGGER "SignInFailure_activity_delete" AFTER DELETE ON "SignInFailure" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_signInFailure"();
CREATE TRIGGER "SignInFailure_activity_update" AFTER UPDATE OF "tenantId", "createdAt", "code" ON "SignInFailure" FOR EACH ROW
  WHEN (OLD."tenantId" IS DISTINCT FROM NEW."tenantId" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt" OR OLD."code" IS DISTINCT FROM NEW."code") EXECUTE FUNCTION "uc_activity_signInFailure"();
CREATE TRIGGER "SignInFailure_activity_truncate" AFTER TRUNCATE ON "SignInFailure" FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_signInFailure"();


-- "AccountLock" → accountLock
CREATE FUNCTION "uc_activity_accountLock"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'accountLock', "uc_activity_bucket"("createdAt"), "reason", count(*)::int
        FROM new_rows GROUP BY 1, 3, 4;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'accountLock', "uc_activity_bucket"("createdAt"), "reason", -count(*)::int
        FROM old_rows GROUP BY 1, 3, 4;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      VALUES (COALESCE(OLD."tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'accountLock', "uc_activity_bucket"(OLD."createdAt"), OLD."reason", -1);
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      VALUES (COALESCE(NEW."tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'accountLock', "uc_activity_bucket"(NEW."createdAt"), NEW."reason", 1);
  ELSE -- TRUNCATE
    DELETE FROM "ActivityDelta" WHERE "metric" = 'accountLock';
    DELETE FROM "ActivityCount" WHERE "metric" = 'accountLock';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "AccountLock_activity_insert" AFTER INSERT ON "AccountLock" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_accountLock"();
CREATE TRIGGER "AccountLock_activity_delete" AFTER DELETE ON "AccountLock" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_accountLock"();
CREATE TRIGGER "AccountLock_activity_update" AFTER UPDATE OF "tenantId", "createdAt", "reason" ON "AccountLock" FOR EACH ROW
  WHEN (OLD."tenantId" IS DISTINCT FROM NEW."tenantId" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt" OR OLD."reason" IS DISTINCT FROM NEW."reason") EXECUTE FUNCTION "uc_activity_accountLock"();
CREATE TRIGGER "AccountLock_activity_truncate" AFTER TRUNCATE ON "AccountLock" FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_accountLock"();


-- "OutboxMessage" → message
CREATE FUNCTION "uc_activity_message"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'message', "uc_activity_bucket"("createdAt"), "channel" || '/' || "status", count(*)::int
        FROM new_rows GROUP BY 1, 3, 4;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'message', "uc_activity_bucket"("createdAt"), "channel" || '/' || "status", -count(*)::int
        FROM old_rows GROUP BY 1, 3, 4;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      VALUES (COALESCE(OLD."tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'message', "uc_activity_bucket"(OLD."createdAt"), OLD."channel" || '/' || OLD."status", -1);
    INSERT INTO "ActivityDelta" ("tenantId", "metric", "bucket", "dimension", "count")
      VALUES (COALESCE(NEW."tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'message', "uc_activity_bucket"(NEW."createdAt"), NEW."channel" || '/' || NEW."status", 1);
  ELSE -- TRUNCATE
    DELETE FROM "ActivityDelta" WHERE "metric" = 'message';
    DELETE FROM "ActivityCount" WHERE "metric" = 'message';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "OutboxMessage_activity_insert" AFTER INSERT ON "OutboxMessage" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_message"();
CREATE TRIGGER "OutboxMessage_activity_delete" AFTER DELETE ON "OutboxMessage" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_message"();
CREATE TRIGGER "OutboxMessage_activity_update" AFTER UPDATE OF "tenantId", "createdAt", "channel", "status" ON "OutboxMessage" FOR EACH ROW
  WHEN (OLD."tenantId" IS DISTINCT FROM NEW."tenantId" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt" OR OLD."channel" IS DISTINCT FROM NEW."channel" OR OLD."status" IS DISTINCT FROM NEW."status") EXECUTE FUNCTION "uc_activity_message"();
CREATE TRIGGER "OutboxMessage_activity_truncate" AFTER TRUNCATE ON "OutboxMessage" FOR EACH STATEMENT EXECUTE FUNCTION "uc_activity_message"();


-- The rows already there. CREATE TRIGGER above locked each table against writes until this
-- migration commits, so nothing is counted twice or missed.

INSERT INTO "ActivityCount" ("tenantId", "metric", "bucket", "dimension", "count")
SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'user', "uc_activity_bucket"("createdAt"), '', count(*)::int
  FROM "User" WHERE "deletedAt" IS NULL GROUP BY 1, 3, 4;

INSERT INTO "ActivityCount" ("tenantId", "metric", "bucket", "dimension", "count")
SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signIn', "uc_activity_bucket"("createdAt"), "method", count(*)::int
  FROM "LoginSession" GROUP BY 1, 3, 4;

INSERT INTO "ActivityCount" ("tenantId", "metric", "bucket", "dimension", "count")
SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signInFailure', "uc_activity_bucket"("createdAt"), "code"::text, count(*)::int
  FROM "SignInFailure" GROUP BY 1, 3, 4;

INSERT INTO "ActivityCount" ("tenantId", "metric", "bucket", "dimension", "count")
SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'accountLock', "uc_activity_bucket"("createdAt"), "reason", count(*)::int
  FROM "AccountLock" GROUP BY 1, 3, 4;

INSERT INTO "ActivityCount" ("tenantId", "metric", "bucket", "dimension", "count")
SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'message', "uc_activity_bucket"("createdAt"), "channel" || '/' || "status", count(*)::int
  FROM "OutboxMessage" GROUP BY 1, 3, 4;
