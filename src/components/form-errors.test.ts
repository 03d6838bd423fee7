import { describe, expect, it } from "vitest";
import type { FormInstance } from "antd";
import { parseForm, showFieldErrors } from "~/components/form-errors";
import { clientCreateInput } from "~/lib/validators/client";

/** The part of antd's FormInstance that showFieldErrors reads and writes, over plain values. */
function fakeForm(fields: (string | number)[][], values: Record<string, unknown>) {
  const set: { name: (string | number)[]; errors: string[] }[] = [];
  const form = {
    getFieldsError: () => fields.map((name) => ({ name, errors: [], warnings: [] })),
    getFieldValue: (path: (string | number)[]) => path.reduce<unknown>((o, p) => (o as Record<string | number, unknown> | undefined)?.[p], values),
    setFields: (f: typeof set) => set.push(...f),
  } as unknown as FormInstance;
  return { form, set };
}

describe("showFieldErrors", () => {
  it("puts an item's error on its list's field (a tags input), naming the item", () => {
    const { form, set } = fakeForm([["name"], ["redirectUris"]], { redirectUris: ["https://ok.example/cb", "not a url", "ftp://x"] });
    const unplaced = showFieldErrors(form, { "redirectUris.1": ["Not a URL"], "redirectUris.2": ["Not a URL"], name: ["Required"] });
    expect(unplaced).toEqual([]);
    expect(set).toEqual([
      { name: ["redirectUris"], errors: ["“not a url”: Not a URL", "“ftp://x”: Not a URL"] },
      { name: ["name"], errors: ["Required"] },
    ]);
  });

  it("keeps errors on fields of their own (Form.List rows), and answers what no field can show", () => {
    const { form, set } = fakeForm(
      [
        ["hosts", 0],
        ["hosts", 1],
      ],
      { hosts: ["a.test", "bad host!"] },
    );
    expect(showFieldErrors(form, { "hosts.1": ["Not a host"], _: ["Whole form"], other: ["Nowhere"] })).toEqual(["Whole form", "Nowhere"]);
    expect(set).toEqual([{ name: ["hosts", 1], errors: ["Not a host"] }]);
  });

  it("parseForm with the procedure's schema: 'not a url' is refused, on the field, by name", () => {
    const values = { name: "My client", grantTypes: ["client_credentials"], scopes: [], redirectUris: ["not a url"], corsOrigins: [] };
    const { form, set } = fakeForm([["name"], ["redirectUris"], ["corsOrigins"]], values);
    let rest: string[] = [];
    expect(parseForm(form, clientCreateInput, values, "en", (m) => (rest = m))).toBeNull();
    expect(rest).toEqual([]);
    expect(set).toHaveLength(1);
    expect(set[0]!.name).toEqual(["redirectUris"]);
    expect(set[0]!.errors[0]).toMatch(/^“not a url”: /);
  });
});
