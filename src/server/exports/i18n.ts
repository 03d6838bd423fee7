/** The exporters' translator: next-intl's createTranslator over the app's own messages (export.sheets). */
import { createTranslator } from "next-intl";
import type { Locale } from "~/lib/errors";
import { loadMessages } from "~/i18n/messages";
import type { Translate } from "~/server/exports/types";

export async function sheetTranslator(locale: Locale): Promise<Translate> {
  const messages = await loadMessages(locale);
  const t = createTranslator({
    locale,
    messages,
    namespace: "export.sheets",
    // A missing title is a bug: fail the job rather than write "export.sheets.…" into a file.
    onError: (e) => {
      throw e;
    },
  }) as unknown as (key: string) => string;
  return (key) => t(key);
}
