/**
 * npx tsx bench/profile-top.ts <file.cpuprofile> [n] — the top frames of a V8 CPU profile (as
 * `node --cpu-prof` or `BENCH_CPU_PROF=<dir>` writes it): self time by function, and the total
 * time spent under each of our own source files and under each package, so a profile of a bench
 * run reads in a terminal. Idle and garbage collection are shown as they are.
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, top = "25"] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-top.ts <file.cpuprofile> [n]");
const prof = JSON.parse(readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000));
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** Where a frame's code lives: one of our files (src/…, bench/…), a package, Node itself, or V8. */
function place(url: string): string {
  if (!url) return "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/(src\/.+|bench\/.+|server\.mjs)$/.exec(url);
  if (ours) return ours[1]!;
  if (url.startsWith("node:")) return "node";
  return url.replace(/^.*\/\.next\//, ".next/");
}
const label = (n: Node) => `${n.callFrame.functionName || "(anonymous)"} ${place(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const bySelf = new Map<string, number>();
for (const [id, t] of self) bySelf.set(label(byId.get(id)!), (bySelf.get(label(byId.get(id)!)) ?? 0) + t);

// Inclusive time per place: a sample counts once for every distinct place on its stack.
const inclusive = new Map<string, number>();
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) seen.add(place(byId.get(n)!.callFrame.url));
  for (const p of seen) inclusive.set(p, (inclusive.get(p) ?? 0) + t);
}

const pc = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(total / 1000).toFixed(2)} s sampled\n\nself time by function:`);
for (const [k, t] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`  ${pc(t)}  ${k}`);
console.log("\ntotal time under each place (our files and packages):");
for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`  ${pc(t)}  ${k}`);
