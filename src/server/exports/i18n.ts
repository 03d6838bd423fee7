/**
 * The exporters' translator: next-intl's createTranslator over the app's own messages
 * (export.sheets). Imported from `use-intl/core`, the module next-intl re-exports it from
 * (pinned together in package.json): next-intl's entry points pull in React, which a worker
 * outside Next (the bench, scripts) neither has nor needs.
 */
import { createTranslator } from "use-intl/core";
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
