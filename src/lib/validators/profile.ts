import { z } from "zod";
import { multiLineText, text } from "~/lib/validators/common";
import { GENDERS, NICKNAME_MAX } from "./values";
export { GENDERS };

/** "" from an emptied form field means "clear it". */
const optionalText = (max: number, lines = false) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), (lines ? multiLineText() : text()).trim().max(max).nullable().optional());

/**
 * The profile fields a user edits about themselves ("my account") and administrators edit on
 * a user: one schema for the form and the procedure.
 */
export const profileFields = {
  nickname: optionalText(NICKNAME_MAX),
  gender: z.preprocess((v) => (v === "" ? null : v), z.enum(GENDERS).nullable().optional()),
  /** A calendar date, `YYYY-MM-DD`; not in the future. */
  birthday: z.preprocess(
    (v) => (v === "" ? null : v),
    z.iso
      .date()
      .refine((d) => new Date(`${d}T00:00:00Z`).getTime() <= Date.now(), { message: "uc:notFuture" })
      .nullable()
      .optional(),
  ),
  address: optionalText(200),
  description: optionalText(500, true),
};

export const profileInput = z.object(profileFields);
export type ProfileInput = z.input<typeof profileInput>;

export const profileOutput = z.object({
  nickname: z.string().nullable(),
  gender: z.enum(GENDERS).nullable(),
  birthday: z.string().nullable(),
  address: z.string().nullable(),
  description: z.string().nullable(),
  /** The avatar's URL (set by uploading to the `avatar` route, not through this form). */
  avatar: z.string().nullable(),
});

/** Prisma's `@db.Date` comes back as a Date at UTC midnight. */
export const toDateString = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
export const fromDateString = (s: string | null | undefined) => (s === undefined ? undefined : s === null ? null : new Date(`${s}T00:00:00Z`));
