-- CreateTable
CREATE TABLE "ActivityCount" (
    "tenantId" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "dimension" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "ActivityCount_pkey" PRIMARY KEY ("tenantId","metric","bucket","dimension")
);

-- CreateIndex
CREATE INDEX "ActivityCount_metric_bucket_idx" ON "ActivityCount"("metric", "bucket");

-- The dashboard's counts (see model ActivityCount in prisma/schema.prisma), kept by triggers in
-- the transaction that writes the counted row, whatever writes it (the app, an import, a cascade,
-- housekeeping). INSERT and DELETE count per statement from the transition table (one upsert per
-- key, keys in order so concurrent statements lock them in the same order); an UPDATE counts per
-- row and only when a counted column is set (a session's lastSeenAt never fires it).

-- The quarter hour of UTC an instant falls in: every time zone in use today has midnights on
-- quarter hours, so a local day is a sum of whole buckets.
CREATE FUNCTION "uc_activity_bucket"(ts timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT date_bin('15 minutes', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') $$;

-- Adds n (negative to take away) to one count; a count that reaches zero goes.
CREATE FUNCTION "uc_activity_add"(t uuid, m text, ts timestamptz, d text, n integer) RETURNS void
  LANGUAGE plpgsql
  AS $$
DECLARE
  k uuid := COALESCE(t, '00000000-0000-0000-0000-000000000000'::uuid);
  b timestamptz := "uc_activity_bucket"(ts);
  total integer;
BEGIN
  INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
  VALUES (k, m, b, d, n)
  ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count"
  RETURNING "count" INTO total;
  IF total = 0 THEN
    DELETE FROM "ActivityCount" WHERE "tenantId" = k AND "metric" = m AND "bucket" = b AND "dimension" = d AND "count" = 0;
  END IF;
END $$;


-- "User" → user
CREATE FUNCTION "uc_activity_user"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'user', "uc_activity_bucket"("createdAt"), '', count(*)::int
        FROM new_rows WHERE "deletedAt" IS NULL GROUP BY 1, 3, 4 ORDER BY 1, 3, 4
      ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'user', "uc_activity_bucket"("createdAt"), '', -count(*)::int
        FROM old_rows WHERE "deletedAt" IS NULL GROUP BY 1, 3, 4 ORDER BY 1, 3, 4
      ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count";
    DELETE FROM "ActivityCount" c
     USING (SELECT DISTINCT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid) AS t, "uc_activity_bucket"("createdAt") AS b, '' AS d
              FROM old_rows WHERE "deletedAt" IS NULL) o
     WHERE c."tenantId" = o.t AND c."metric" = 'user' AND c."bucket" = o.b AND c."dimension" = o.d AND c."count" = 0;
  ELSIF TG_OP = 'UPDATE' THEN
    IF OLD."deletedAt" IS NULL THEN PERFORM "uc_activity_add"(OLD."tenantId", 'user', OLD."createdAt", '', -1); END IF;
    IF NEW."deletedAt" IS NULL THEN PERFORM "uc_activity_add"(NEW."tenantId", 'user', NEW."createdAt", '', 1); END IF;
  ELSE -- TRUNCATE
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
    INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signIn', "uc_activity_bucket"("createdAt"), "method", count(*)::int
        FROM new_rows GROUP BY 1, 3, 4 ORDER BY 1, 3, 4
      ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signIn', "uc_activity_bucket"("createdAt"), "method", -count(*)::int
        FROM old_rows GROUP BY 1, 3, 4 ORDER BY 1, 3, 4
      ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count";
    DELETE FROM "ActivityCount" c
     USING (SELECT DISTINCT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid) AS t, "uc_activity_bucket"("createdAt") AS b, "method" AS d
              FROM old_rows) o
     WHERE c."tenantId" = o.t AND c."metric" = 'signIn' AND c."bucket" = o.b AND c."dimension" = o.d AND c."count" = 0;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "uc_activity_add"(OLD."tenantId", 'signIn', OLD."createdAt", OLD."method", -1);
    PERFORM "uc_activity_add"(NEW."tenantId", 'signIn', NEW."createdAt", NEW."method", 1);
  ELSE -- TRUNCATE
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
    INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signInFailure', "uc_activity_bucket"("createdAt"), "code"::text, count(*)::int
        FROM new_rows GROUP BY 1, 3, 4 ORDER BY 1, 3, 4
      ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'signInFailure', "uc_activity_bucket"("createdAt"), "code"::text, -count(*)::int
        FROM old_rows GROUP BY 1, 3, 4 ORDER BY 1, 3, 4
      ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count";
    DELETE FROM "ActivityCount" c
     USING (SELECT DISTINCT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid) AS t, "uc_activity_bucket"("createdAt") AS b, "code"::text AS d
              FROM old_rows) o
     WHERE c."tenantId" = o.t AND c."metric" = 'signInFailure' AND c."bucket" = o.b AND c."dimension" = o.d AND c."count" = 0;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "uc_activity_add"(OLD."tenantId", 'signInFailure', OLD."createdAt", OLD."code"::text, -1);
    PERFORM "uc_activity_add"(NEW."tenantId", 'signInFailure', NEW."createdAt", NEW."code"::text, 1);
  ELSE -- TRUNCATE
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
    INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'accountLock', "uc_activity_bucket"("createdAt"), "reason", count(*)::int
        FROM new_rows GROUP BY 1, 3, 4 ORDER BY 1, 3, 4
      ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'accountLock', "uc_activity_bucket"("createdAt"), "reason", -count(*)::int
        FROM old_rows GROUP BY 1, 3, 4 ORDER BY 1, 3, 4
      ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count";
    DELETE FROM "ActivityCount" c
     USING (SELECT DISTINCT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid) AS t, "uc_activity_bucket"("createdAt") AS b, "reason" AS d
              FROM old_rows) o
     WHERE c."tenantId" = o.t AND c."metric" = 'accountLock' AND c."bucket" = o.b AND c."dimension" = o.d AND c."count" = 0;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "uc_activity_add"(OLD."tenantId", 'accountLock', OLD."createdAt", OLD."reason", -1);
    PERFORM "uc_activity_add"(NEW."tenantId", 'accountLock', NEW."createdAt", NEW."reason", 1);
  ELSE -- TRUNCATE
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
    INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'message', "uc_activity_bucket"("createdAt"), "channel" || '/' || "status", count(*)::int
        FROM new_rows GROUP BY 1, 3, 4 ORDER BY 1, 3, 4
      ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "ActivityCount" AS a ("tenantId", "metric", "bucket", "dimension", "count")
      SELECT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid), 'message', "uc_activity_bucket"("createdAt"), "channel" || '/' || "status", -count(*)::int
        FROM old_rows GROUP BY 1, 3, 4 ORDER BY 1, 3, 4
      ON CONFLICT ("tenantId", "metric", "bucket", "dimension") DO UPDATE SET "count" = a."count" + EXCLUDED."count";
    DELETE FROM "ActivityCount" c
     USING (SELECT DISTINCT COALESCE("tenantId", '00000000-0000-0000-0000-000000000000'::uuid) AS t, "uc_activity_bucket"("createdAt") AS b, "channel" || '/' || "status" AS d
              FROM old_rows) o
     WHERE c."tenantId" = o.t AND c."metric" = 'message' AND c."bucket" = o.b AND c."dimension" = o.d AND c."count" = 0;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "uc_activity_add"(OLD."tenantId", 'message', OLD."createdAt", OLD."channel" || '/' || OLD."status", -1);
    PERFORM "uc_activity_add"(NEW."tenantId", 'message', NEW."createdAt", NEW."channel" || '/' || NEW."status", 1);
  ELSE -- TRUNCATE
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
