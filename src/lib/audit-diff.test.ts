import { describe, expect, it } from "vitest";
import { diffRows } from "~/lib/audit-diff";

describe("diffRows", () => {
  it("an added property reads as added with its value, not as the empty list removed", () => {
    const rows = diffRows({ name: "x", properties: [] }, { name: "x", properties: ["address"] });
    expect(rows).toEqual([
      { field: "name", before: "x", after: "x", kind: "same" },
      { field: "properties.0", before: null, after: "address", kind: "added" },
    ]);
    expect(diffRows({ properties: {} }, { properties: { color: "red" } })).toEqual([{ field: "properties.color", before: null, after: "red", kind: "added" }]);
  });

  it("a removed property reads as removed with the value it had", () => {
    expect(diffRows({ properties: { color: "red" } }, { properties: {} })).toEqual([
      { field: "properties.color", before: "red", after: null, kind: "removed" },
    ]);
  });

  it("changed, added and removed fields; an emptied list reads as its entries removed", () => {
    const rows = diffRows({ a: 1, b: "x", list: [1] }, { a: 2, c: true, list: [] });
    expect(rows).toEqual(
      expect.arrayContaining([
        { field: "a", before: "1", after: "2", kind: "changed" },
        { field: "b", before: "x", after: null, kind: "removed" },
        { field: "c", before: null, after: "true", kind: "added" },
        { field: "list.0", before: "1", after: null, kind: "removed" },
      ]),
    );
    expect(diffRows(null, { a: [] })).toEqual([{ field: "a", before: null, after: "[]", kind: "added" }]);
  });
});
