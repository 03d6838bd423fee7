import { Result } from "antd";
import { getTranslations } from "next-intl/server";

export async function UnknownHost({ host }: { host: string }) {
  const t = await getTranslations("errors");
  return (
    <main style={{ paddingTop: 80 }}>
      <Result status="404" title={t("unknownHost")} subTitle={t("unknownHostBody", { host: host || "—" })} />
    </main>
  );
}
