"use client";

import { LanguageSwitch } from "~/components/language-switch";

export function LanguageSwitchSlot() {
  return <LanguageSwitch signedIn={false} />;
}
