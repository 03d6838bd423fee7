/** An audit entry's before and after, compared field by field (the audit log's detail). */

type Flat = Map<string, string>;

const isEmptyContainer = (v: unknown) => v !== null && typeof v === "object" && Object.keys(v).length === 0;

/** `{ a: { b: [1] } }` → `a.b.0 = 1`: one line per leaf, so a change reads as a row. */
function flatten(v: unknown, prefix = "", out: Flat = new Map()): Flat {
  if (v !== null && typeof v === "object" && !isEmptyContainer(v)) {
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) flatten(child, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix || v !== undefined) {
    out.set(prefix || "(value)", v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
  }
  return out;
}

export interface DiffRow {
  field: string;
  before: string | null;
  after: string | null;
  kind: "added" | "removed" | "changed" | "same";
}

const EMPTY = new Set(["[]", "{}"]);

export function diffRows(before: unknown, after: unknown): DiffRow[] {
  const b = before == null ? new Map<string, string>() : flatten(before);
  const a = after == null ? new Map<string, string>() : flatten(after);
  // An empty list or object on one side that the other side fills in (`properties: []` →
  // `properties.0 = x`) is not a field of its own that was removed or added: the entries under
  // it are the change, and they read as added (or removed) with their values.
  const filledIn = (side: Flat, other: Flat, field: string) =>
    EMPTY.has(side.get(field)!) && !other.has(field) && [...other.keys()].some((k) => k.startsWith(`${field}.`));
  const keys = [...new Set([...b.keys(), ...a.keys()])].filter((k) => !(b.has(k) && filledIn(b, a, k)) && !(a.has(k) && filledIn(a, b, k)));
  return keys.map((field) => {
    const x = b.has(field) ? b.get(field)! : null;
    const y = a.has(field) ? a.get(field)! : null;
    const kind = x === null ? "added" : y === null ? "removed" : x === y ? "same" : "changed";
    return { field, before: x, after: y, kind };
  });
}
