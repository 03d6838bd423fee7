/** Shapes shared by the messaging providers; `index.ts` re-exports them. */

export interface SmsMessage {
  /** "+86-15810419011": country code, dash, national number. */
  to: string;
  /** Logical template name (e.g. "login-code"); the provider's template id comes from the tenant's config. */
  template: string;
  /** Template variables. Tencent's templates are positional, so insertion order is the {1},{2}… order. */
  params: Record<string, string>;
  /** Rendered text, for the outbox. */
  text: string;
  /** The tenant's provider template for this text (message templates); unset: the one in the tenant's `sms.*` settings. */
  providerTemplate?: { aliyun?: string | null; tencent?: string | null };
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra header fields (e.g. List-Unsubscribe); SMTP only, the outbox keeps none. */
  headers?: Record<string, string>;
}

export interface SmsProvider {
  name: "aliyun" | "tencent" | "outbox";
  send(m: SmsMessage): Promise<void>;
}

export interface EmailProvider {
  name: "smtp" | "outbox";
  send(m: EmailMessage): Promise<void>;
}

/** A message the provider refused or could not take. `code` is the provider's own error code when it gave one. */
export class MessagingError extends Error {
  constructor(
    message: string,
    readonly provider: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MessagingError";
  }
}

/** Every outside call gets this long; a hung provider must not hold a sign-in request forever. */
export const PROVIDER_TIMEOUT_MS = 10_000;

/** Splits "+86-15810419011" into country code and national number. */
export function splitPhone(to: string, provider: string): { cc: string; national: string } {
  const m = /^\+(\d{1,4})-(\d{4,14})$/.exec(to.trim());
  if (!m?.[1] || !m[2]) throw new MessagingError(`Phone number is not in the form +<cc>-<number>`, provider, "InvalidPhoneNumber");
  return { cc: m[1], national: m[2] };
}

/** Reads a JSON answer; providers sometimes put HTML error pages in front of their APIs. */
export async function readJson(res: Response, provider: string): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MessagingError(`HTTP ${res.status} with a non-JSON answer`, provider, `HTTP${res.status}`);
  }
}
