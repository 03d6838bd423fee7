/**
 * Credentials whose signature (or encryption) checked out, remembered until they expire (at most
 * `ttlMs`), so a caller presenting the same bearer token or session cookie does not pay the
 * cryptography (an ECDSA verification, an HKDF derivation and a JWE decryption: ~0.3 ms of CPU,
 * the largest single cost of a cheap call) on every request. Only successes are kept, at most
 * `max` (the oldest go first), frozen because every caller with the credential shares them.
 * What a credential grants is never read from here: the session or client it names is loaded
 * from the database on every request.
 */
export function verifiedCache(opts: { max: number; ttlMs: number }) {
  const entries = new Map<string, { value: unknown; until: number }>();
  return async function remember<T>(credential: string, verify: () => Promise<{ value: T; exp: number } | null>): Promise<T | null> {
    const now = Date.now();
    const hit = entries.get(credential);
    if (hit && hit.until > now) return hit.value as T;
    if (hit) entries.delete(credential);
    const result = await verify();
    if (!result) return null;
    if (entries.size >= opts.max) entries.delete(entries.keys().next().value!);
    entries.set(credential, { value: deepFreeze(result.value), until: Math.min(result.exp * 1000, now + opts.ttlMs) });
    return result.value;
  };
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object") for (const x of Object.values(v)) deepFreeze(x);
  return Object.freeze(v);
}
