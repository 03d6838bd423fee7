/**
 * The changelog between two revisions of an API version: `api-smart-diff` compares the two
 * OpenAPI documents (resolving their internal `$ref`s) and classifies each change; here the
 * changes are grouped by operation (added, removed, changed), and an operation is breaking when
 * any of its changes is (a removed operation, a new required parameter, a narrowed type, a
 * removed response …).
 */
import { apiCompare } from "api-smart-diff";
import type { Changelog, OperationChange } from "~/lib/validators/api-publish";
import { HTTP_METHODS } from "~/server/openapi/document";

type Doc = Record<string, unknown>;
const METHODS = new Set<string>(HTTP_METHODS);
const methodsOf = (doc: Doc, path: string) => {
  const item = ((doc.paths ?? {}) as Record<string, Record<string, unknown> | undefined>)[path] ?? {};
  return HTTP_METHODS.filter((m) => item[m]);
};

export function compareDocuments(before: Doc, after: Doc): Changelog {
  const { diffs } = apiCompare(before, after);
  const ops = new Map<string, OperationChange>();
  const op = (kind: OperationChange["kind"], method: string, path: string) => {
    const key = `${method} ${path}`;
    const found = ops.get(key);
    if (found) {
      if (kind !== "changed") found.kind = kind;
      return found;
    }
    const made: OperationChange = { kind, method: method.toUpperCase(), path, breaking: false, details: [] };
    ops.set(key, made);
    return made;
  };
  let other = 0;
  let breaking = false;
  for (const d of diffs) {
    const isBreaking = d.type === "breaking";
    const [root, path, method] = d.path.map(String);
    if (root !== "paths" || path === undefined) {
      other++;
      if (isBreaking) breaking = true;
      continue;
    }
    // A whole path item added or removed: each of its operations.
    if (method === undefined && (d.action === "add" || d.action === "remove")) {
      const doc = d.action === "add" ? after : before;
      for (const m of methodsOf(doc, path)) {
        const o = op(d.action === "add" ? "added" : "removed", m, path);
        o.breaking ||= d.action === "remove";
        breaking ||= d.action === "remove";
      }
      continue;
    }
    if (method === undefined || !METHODS.has(method)) {
      // Path-level parameters or servers: every operation of the path changes.
      for (const m of methodsOf(after, path)) {
        const o = op("changed", m, path);
        o.details.push({ text: d.description ?? `${d.action} ${d.path.slice(2).join(".")}`, breaking: isBreaking });
        o.breaking ||= isBreaking;
      }
      breaking ||= isBreaking;
      continue;
    }
    if (d.path.length === 3 && (d.action === "add" || d.action === "remove")) {
      const o = op(d.action === "add" ? "added" : "removed", method, path);
      o.breaking ||= d.action === "remove";
      breaking ||= d.action === "remove";
      continue;
    }
    const o = op("changed", method, path);
    o.details.push({ text: d.description ?? `${d.action} ${d.path.slice(3).join(".")}`, breaking: isBreaking });
    o.breaking ||= isBreaking;
    breaking ||= isBreaking;
  }
  const order = { removed: 0, changed: 1, added: 2 } as const;
  const operations = [...ops.values()]
    .map((o) => ({ ...o, details: o.details.slice(0, 50) }))
    .sort((a, b) => order[a.kind] - order[b.kind] || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return { operations, other, breaking };
}
