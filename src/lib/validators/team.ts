import { z } from "zod";
import { text } from "~/lib/validators/common";

export const teamListInput = z.object({
  /** The subtree's root; default the caller. Non-administrators may only name someone in their own subtree. */
  userId: z.uuid().optional(),
  /** Prefix of a member's user name, nickname, phone or email. */
  search: text().trim().max(64).optional(),
  /** Only this many levels below the root. */
  maxLevel: z.coerce.number().int().min(1).max(100).optional(),
  skip: z.coerce.number().int().min(0).max(1_000_000).default(0),
  take: z.coerce.number().int().min(1).max(100).default(20),
});
export type TeamListInput = z.input<typeof teamListInput>;

export const teamMember = z.object({
  id: z.uuid(),
  userName: z.string().nullable(),
  nickname: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  avatar: z.string().nullable(),
  referrerId: z.string().nullable(),
  /** Levels below the subtree's root (direct members are 1). */
  level: z.number().int(),
  directCount: z.number().int(),
  totalCount: z.number().int(),
  createdAt: z.date(),
});

export const teamListOutput = z.object({
  root: z.object({ id: z.uuid(), name: z.string().nullable(), directCount: z.number().int(), totalCount: z.number().int() }),
  total: z.number().int(),
  totalCapped: z.boolean(),
  items: z.array(teamMember),
});
