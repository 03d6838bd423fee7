/**
 * Loading a large CommonJS dependency tree blocks the event loop for as long as all its modules
 * take to read and compile: `require("libnpmpublish")` (npm's fetch stack and sigstore, ~360
 * modules) held the web process for ~100 ms in the middle of a release, and every request
 * waited. `loadGradually` loads the same tree one package at a time, leaves first, and lets the
 * event loop run between packages, so no single step blocks for more than one package's own
 * files (~13 ms at most for this tree). The packages land in Node's module cache, so the
 * caller's own `import()` afterwards finds them there and returns at once.
 *
 * Each package is required exactly as its dependent requires it (by name, resolved from the
 * dependent's own folder), so the cache holds the very modules the tree will use. What cannot be
 * required that way (an ES module, an optional dependency that is absent) is skipped: this is only
 * a warm-up, and the real import still loads whatever is left.
 */
import { readFile, realpath } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

type Step = { from: NodeJS.Require; name: string };

/** The real path of `dep`'s package.json as `req` would find it, or null. */
async function manifestOf(req: NodeJS.Require, dep: string): Promise<string | null> {
  try {
    return await realpath(/* turbopackIgnore: true */ req.resolve(`${dep}/package.json`));
  } catch {
    // Its "exports" may hide package.json: walk up from its entry point instead.
  }
  let dir: string;
  try {
    dir = path.dirname(await realpath(/* turbopackIgnore: true */ req.resolve(dep)));
  } catch {
    return null;
  }
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    try {
      if ((JSON.parse(await readFile(/* turbopackIgnore: true */ candidate, "utf8")) as { name?: string }).name === dep) return candidate;
    } catch {
      // no package.json here
    }
  }
  return null;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The packages of `name`'s dependency tree, leaves first, each with the require of the package that depends on it. */
async function plan(from: NodeJS.Require, name: string): Promise<Step[]> {
  const seen = new Set<string>();
  const steps: Step[] = [];
  const visit = async (req: NodeJS.Require, dep: string) => {
    const manifest = await manifestOf(req, dep);
    if (!manifest) return; // absent (an optional dependency), or not loadable by require
    if (seen.has(manifest)) return;
    seen.add(manifest);
    const deps = Object.keys(
      (JSON.parse(await readFile(/* turbopackIgnore: true */ manifest, "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {},
    );
    const own = createRequire(manifest);
    for (const d of deps) await visit(own, d);
    steps.push({ from: req, name: dep });
  };
  await visit(from, name);
  return steps;
}

const loading = new Map<string, Promise<void>>();

/** Loads the installed package `name` (and its dependencies) into the module cache a package at a time; once per process. */
export function loadGradually(name: string, root = process.cwd()): Promise<void> {
  const key = `${root}\u0000${name}`;
  let done = loading.get(key);
  if (!done) {
    done = (async () => {
      const steps = await plan(createRequire(path.join(root, "package.json")), name);
      for (const step of steps) {
        try {
          step.from(step.name);
        } catch {
          // left to the real import
        }
        await yieldToEventLoop();
      }
    })().catch(() => undefined);
    loading.set(key, done);
  }
  return done;
}
