/**
 * A counter of this instance's changes to what credentials grant: every tRPC mutation (the
 * console's, the REST mirror's, the portal's), every token or grant the OpenID Provider deletes
 * or consumes, every sign-out. Whatever reuses a read of such state for a moment (the gateway's
 * second-long caches) stores the epoch with it and reads again once the epoch has moved, so a
 * change made on this instance applies to the next call here; other instances see it when their
 * copy expires. Kept on globalThis: the app's bundles and server.mjs may load this module twice.
 */
const KEY = Symbol.for("user-center.change-epoch");
type Holder = { [KEY]?: { n: number } };
const holder = ((globalThis as Holder)[KEY] ??= { n: 0 });

/** The current epoch (cheap: a property read). */
export const changeEpoch = (): number => holder.n;

/** Marks a change (call it once the change is written, i.e. after its transaction). */
export function noteChange(): void {
  holder.n++;
}
