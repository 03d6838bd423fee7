import { describe, expect, it } from "vitest";
import { createPrismaClient } from "~/server/db-client";
import { checkHealth } from "~/server/health";

describe("health", () => {
  it("reports an unreachable database as an error (the route answers 503)", async () => {
    const { db, close } = createPrismaClient({ databaseUrl: "postgresql://nobody@127.0.0.1:1/none", dataDir: ".data/test" });
    try {
      const h = await checkHealth(db, "postgresql", 2000);
      expect(h.status).toBe("error");
      expect(h.db).toBe("postgresql");
    } finally {
      await close();
    }
  });
});
