import { getTranslations } from "next-intl/server";
import { ResultPage } from "~/components/result-page";
import { UnknownHost } from "~/components/unknown-host";
import { getRequestIdentity } from "~/server/auth";

/** Every 404 page: on a host bound to no tenant it says so; elsewhere, that there is no such page. */
export default async function NotFound() {
  const { tenant, host } = await getRequestIdentity();
  if (!tenant) return <UnknownHost host={host} />;
  const t = await getTranslations("errors");
  return <ResultPage status="404" title={t("notFound")} subTitle={t("notFoundBody")} />;
}
