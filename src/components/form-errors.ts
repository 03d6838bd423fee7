"use client";

import type { FormInstance } from "antd";
import type { z } from "zod";
import { TRPCClientError } from "@trpc/client";
import { fieldErrors } from "~/lib/validators/common";
import type { Locale } from "~/lib/errors";

/** "hosts.0" → ["hosts", 0], the name path antd's Form uses. */
const namePath = (key: string) => key.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));

export function showFieldErrors(form: FormInstance, fields: Record<string, string[]>) {
  form.setFields(
    Object.entries(fields)
      .filter(([k]) => k !== "_")
      .map(([k, errors]) => ({ name: namePath(k), errors })),
  );
}

/** Validates with the very schema the procedure uses; marks the fields and returns null on failure. */
export function parseForm<S extends z.ZodType>(form: FormInstance, schema: S, values: unknown, locale: Locale): z.output<S> | null {
  const r = schema.safeParse(values);
  if (r.success) return r.data;
  showFieldErrors(form, fieldErrors(r.error, locale));
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
