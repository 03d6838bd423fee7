"use client";

import type { FormInstance } from "antd";
import type { z } from "zod";
import { TRPCClientError } from "@trpc/client";
import { fieldErrors } from "~/lib/validators/common";
import type { Locale } from "~/lib/errors";

/** "hosts.0" → ["hosts", 0], the name path antd's Form uses. */
const namePath = (key: string) => key.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));

type NamePath = (string | number)[];
const samePath = (a: NamePath, b: NamePath) => a.length === b.length && a.every((p, i) => p === b[i]);

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
    const named = typeof item === "string" || typeof item === "number" ? errors.map((e) => `“${String(item)}”: ${e}`) : errors;
    const mark = marks.get(JSON.stringify(owner)) ?? { name: owner, errors: [] };
    mark.errors.push(...named);
    marks.set(JSON.stringify(owner), mark);
  }
  form.setFields([...marks.values()]);
  return unplaced;
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
  const r = schema.safeParse(values);
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
