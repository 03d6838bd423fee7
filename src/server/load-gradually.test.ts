import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadGradually } from "~/server/load-gradually";

const appRequire = createRequire(path.join(process.cwd(), "package.json"));
const cachedUnder = (pkg: string) => Object.keys(appRequire.cache).filter((f) => f.includes(`${path.sep}node_modules${path.sep}${pkg}${path.sep}`));

describe("loadGradually", () => {
  it("loads a package's whole tree into the module cache, one package per turn of the event loop", async () => {
    // This worker has not loaded the npm client (release.test.ts runs in another worker).
    expect(cachedUnder("libnpmpublish")).toEqual([]);
    expect(cachedUnder("sigstore")).toEqual([]);

    // Something else wants to run meanwhile: count the turns it got.
    let turns = 0;
    let running = true;
    const other = () => {
      turns++;
      if (running) setImmediate(other);
    };
    setImmediate(other);
    const loaded = loadGradually("libnpmpublish");
    await loaded;
    running = false;

    // The tree is in the cache: the npm client, its fetch stack and sigstore, deep in the tree.
    expect(cachedUnder("libnpmpublish").length).toBeGreaterThan(0);
    expect(cachedUnder("npm-registry-fetch").length).toBeGreaterThan(0);
    expect(cachedUnder("sigstore").length).toBeGreaterThan(0);
    expect(cachedUnder("@sigstore").length).toBeGreaterThan(0);
    // Dozens of packages, each loaded on its own turn: the other work ran between them,
    // where one require() of the whole tree would have given it no turn at all.
    expect(turns).toBeGreaterThan(40);

    // The real import now takes the cached modules; asking again does not load again.
    const before = Object.keys(appRequire.cache).length;
    expect(typeof (appRequire("libnpmpublish") as { publish: unknown }).publish).toBe("function");
    expect(loadGradually("libnpmpublish")).toBe(loaded);
    expect(Object.keys(appRequire.cache).length).toBe(before);
  });

  it("settles, having loaded nothing, for a package that is not installed", async () => {
    await expect(loadGradually("no-such-package-uc-test")).resolves.toBeUndefined();
  });
});
