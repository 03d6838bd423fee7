-- CreateEnum
CREATE TYPE "ClientType" AS ENUM ('web', 'spa', 'native', 'machine');

-- CreateEnum
CREATE TYPE "TokenEndpointAuthMethod" AS ENUM ('client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none');

-- AlterTable
ALTER TABLE "OAuthClient"
ADD COLUMN     "backchannelLogoutUri" TEXT,
ADD COLUMN     "clientType" "ClientType" NOT NULL DEFAULT 'web',
ADD COLUMN     "consentRequired" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "idTokenLifetime" INTEGER NOT NULL DEFAULT 3600,
ADD COLUMN     "jwksUri" TEXT,
ADD COLUMN     "logoUri" TEXT,
ADD COLUMN     "refreshTokenAbsoluteLifetime" INTEGER NOT NULL DEFAULT 1209600,
ADD COLUMN     "refreshTokenIdleLifetime" INTEGER NOT NULL DEFAULT 604800,
ADD COLUMN     "tokenEndpointAuthMethod" "TokenEndpointAuthMethod" NOT NULL DEFAULT 'client_secret_basic';

-- One consent model: a first-party client is one whose users are not asked.
UPDATE "OAuthClient" SET "consentRequired" = NOT "firstParty";

-- Types of existing clients: client credentials only is a machine; a code-flow client that never
-- had a secret (and no client credentials) was served as public, so it stays public as a SPA;
-- every other is a web app with a secret.
UPDATE "OAuthClient" SET "clientType" = 'machine'
 WHERE "grantTypes" <@ ARRAY['client_credentials']::text[] AND cardinality("grantTypes") > 0;
UPDATE "OAuthClient" c SET "clientType" = 'spa', "tokenEndpointAuthMethod" = 'none'
 WHERE 'authorization_code' = ANY (c."grantTypes") AND NOT ('client_credentials' = ANY (c."grantTypes"))
   AND NOT EXISTS (SELECT 1 FROM "ClientSecret" s WHERE s."clientId" = c."id");

ALTER TABLE "OAuthClient" DROP COLUMN "firstParty";
