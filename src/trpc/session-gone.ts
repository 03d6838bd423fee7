/**
 * Whether a tRPC error says the caller's session is gone (10001: no valid identity), which sends
 * the browser to the sign-in page. Other 401s answer what was sent, not who sent it (12001: a
 * wrong current password when changing it) and stay with the form that sent it.
 */
export function sessionGone(err: unknown): boolean {
  const data = (err as { data?: { httpStatus?: number; appCode?: number } } | null)?.data;
  return data?.httpStatus === 401 && data.appCode === 10001;
}
