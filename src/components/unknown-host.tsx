import { getTranslations } from "next-intl/server";
import { ResultPage } from "~/components/result-page";

export async function UnknownHost({ host }: { host: string }) {
  const t = await getTranslations("errors");
  return <ResultPage status="404" title={t("unknownHost")} subTitle={t("unknownHostBody", { host: host || "—" })} />;
}
