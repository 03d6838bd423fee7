"use client";

import type { FormInstance } from "antd";
import type { Rule } from "antd/es/form";
import type { z } from "zod";
import { TRPCClientError } from "@trpc/client";
import { fieldErrors, localizeIssue, message } from "~/lib/validators/messages";
import type { Locale } from "~/lib/errors";

/** "hosts.0" → ["hosts", 0], the name path antd's Form uses. */
const namePath = (key: string) => key.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));

type NamePath = (string | number)[];
const samePath = (a: NamePath, b: NamePath) => a.length === b.length && a.every((p, i) => p === b[i]);

/** An item's value as an error names it: at most 40 characters, so a pasted page does not become the message. */
const quoted = (v: string) => (v.length > 40 ? `${v.slice(0, 37)}…` : v);

/**
 * Marks each error on its field. An error about one item of a list edited as a whole (a tags
 * input's "redirectUris.1") goes on the list's own field, naming the item, since no field of
 * its own shows it. Answers the messages no field on the form could show.
 */
export function showFieldErrors(form: FormInstance, fields: Record<string, string[]>): string[] {
  const registered = form.getFieldsError().map((f) => f.name as NamePath);
  const marks = new Map<string, { name: NamePath; errors: string[] }>();
  const unplaced: string[] = [];
  for (const [key, errors] of Object.entries(fields)) {
    if (key === "_") {
      unplaced.push(...errors);
      continue;
    }
    const path = namePath(key);
    let owner: NamePath | undefined;
    for (let n = path.length; n > 0 && !owner; n--) owner = registered.find((r) => samePath(r, path.slice(0, n)));
    if (!owner) {
      unplaced.push(...errors);
      continue;
    }
    const item: unknown = owner.length < path.length ? form.getFieldValue(path) : undefined;
    const named = typeof item === "string" || typeof item === "number" ? errors.map((e) => `“${quoted(String(item))}”: ${e}`) : errors;
    const mark = marks.get(JSON.stringify(owner)) ?? { name: owner, errors: [] };
    mark.errors.push(...named);
    marks.set(JSON.stringify(owner), mark);
  }
  form.setFields([...marks.values()]);
  return unplaced;
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  Array.isArray(v) || (typeof v === "object" && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v)));
/** The name paths a Form's `changedValues` touches: `{ claims: [, { type: "x" }] }` → [["claims", 1, "type"]]. */
function changedPaths(v: unknown, path: NamePath = [], out: NamePath[] = []): NamePath[] {
  const entries = isPlain(v) ? Object.entries(v) : [];
  if (!entries.length) out.push(path);
  for (const [k, child] of entries) changedPaths(child, [...path, Array.isArray(v) ? Number(k) : k], out);
  return out;
}
const within = (outer: NamePath, inner: NamePath) => outer.length <= inner.length && outer.every((p, i) => String(p) === String(inner[i]));

/**
 * A Form's `onValuesChange`: a field's errors go as soon as its value changes (and so do those
 * of the list holding it, or of the rows inside a list that changed), whether the browser or the
 * server set them; they come back on the next save if the value is still wrong.
 */
export const clearErrorsOnChange = (form: FormInstance) => (changed: unknown) => {
  const paths = changedPaths(changed);
  const stale = form.getFieldsError().filter((f) => f.errors.length > 0 && paths.some((p) => within(p, f.name) || within(f.name, p)));
  if (stale.length) form.setFields(stale.map((f) => ({ name: f.name, errors: [] })));
};

/**
 * An antd rule that checks a field with the shared schema the procedure uses, so the browser
 * says what the server would, in the same words (never antd's defaults, which name the field's
 * key and print its pattern). Blank is "required" when `required`, else fine.
 */
export function schemaRule(schema: z.ZodType, locale: Locale, { required = false }: { required?: boolean } = {}): Rule {
  return {
    required,
    validator: async (_rule, value: unknown) => {
      if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
        if (required) throw new Error(message("required", locale));
        return;
      }
      const r = schema.safeParse(value);
      if (!r.success) throw new Error(localizeIssue(r.error.issues[0]!, locale));
    },
  };
}

/**
 * Validates with the very schema the procedure uses; marks the fields and returns null on
 * failure. `onUnplaced` gets the messages that belong to no field on the form.
 */
export function parseForm<S extends z.ZodType>(
  form: FormInstance,
  schema: S,
  values: unknown,
  locale: Locale,
  onUnplaced?: (messages: string[]) => void,
): z.output<S> | null {
  // With each issue's input: an empty field is told it is required, not what a value would need.
  const r = schema.safeParse(values, { reportInput: true });
  if (r.success) return r.data;
  const unplaced = showFieldErrors(form, fieldErrors(r.error, locale));
  if (unplaced.length) onUnplaced?.(unplaced);
  return null;
}

/** The server's localized message, and its field errors marked on the form. */
export function handleServerError(form: FormInstance | null, err: unknown): string {
  if (err instanceof TRPCClientError) {
    const data = err.data as { fields?: Record<string, string[]> | null } | undefined;
    if (form && data?.fields) showFieldErrors(form, data.fields);
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Whether a server error marked fields (then the form shows it there, not above). */
export function hasFieldErrors(err: unknown): boolean {
  const fields = err instanceof TRPCClientError ? (err.data as { fields?: Record<string, string[]> | null } | undefined)?.fields : null;
  return !!fields && Object.keys(fields).some((k) => k !== "_");
}
