// Builds e2e/fixtures/github-rest-subset.json, the large real-world description of the code
// generation tests and bench: GitHub's REST API description as @octokit/openapi ships it (MIT),
// cut to the operations tagged repos, issues, pulls, git and users (356 of 1,223) and the
// components they reach. Run once with the unpacked package:
//   npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
//   node scripts/codegen-fixture.mjs package/generated/api.github.com.json
import { readFileSync, writeFileSync } from "node:fs";

const TAGS = new Set(["repos", "issues", "pulls", "git", "users"]);
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const src = JSON.parse(readFileSync(process.argv[2], "utf8"));
const paths = {};
for (const [p, item] of Object.entries(src.paths)) {
  const kept = {};
  for (const [k, v] of Object.entries(item)) {
    if (!METHODS.includes(k)) kept[k] = v;
    else if (TAGS.has(v.tags?.[0])) kept[k] = v;
  }
  if (Object.keys(kept).some((k) => METHODS.includes(k))) paths[p] = kept;
}
// Components reached from the kept paths, transitively.
const reached = new Set();
const queue = [paths];
while (queue.length) {
  const node = queue.pop();
  if (Array.isArray(node)) queue.push(...node);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/components/") && !reached.has(v)) {
        reached.add(v);
        const [, , kind, name] = v.split("/");
        queue.push(src.components[kind][name.replace(/~1/g, "/").replace(/~0/g, "~")]);
      } else if (typeof v === "object") queue.push(v);
    }
  }
}
const components = {};
for (const ref of reached) {
  const [, , kind, name] = ref.split("/");
  const key = name.replace(/~1/g, "/").replace(/~0/g, "~");
  (components[kind] ??= {})[key] = src.components[kind][key];
}
const usedTags = new Set(Object.values(paths).flatMap((i) => Object.values(i).flatMap((o) => o.tags ?? [])));
const out = {
  openapi: src.openapi,
  info: {
    ...src.info,
    description: `${src.info.description ?? ""}\n\nA subset (operations tagged ${[...TAGS].join(", ")}) of @octokit/openapi ${src.info.version}, MIT licence.`,
  },
  servers: src.servers,
  tags: (src.tags ?? []).filter((t) => usedTags.has(t.name)),
  paths,
  components,
  externalDocs: src.externalDocs,
};
writeFileSync("e2e/fixtures/github-rest-subset.json", JSON.stringify(out));
const ops = Object.values(paths).reduce((n, i) => n + Object.keys(i).filter((k) => METHODS.includes(k)).length, 0);
console.log(`${ops} operations, ${reached.size} components`);
