"use client";

import type { ReactNode } from "react";
import { Button, Empty, Typography } from "antd";
import { useTranslations } from "next-intl";
import { handleServerError } from "~/components/form-errors";

/**
 * What a console list shows instead of rows: the server's error with a retry when the query
 * failed, else the list's own "nothing yet" title and hint (or the title alone).
 */
export function ListEmpty({ query, title, hint }: { query: { isError: boolean; error: unknown; refetch: () => unknown }; title: ReactNode; hint?: ReactNode }) {
  const c = useTranslations("common");
  if (query.isError)
    return (
      <Empty description={handleServerError(null, query.error)}>
        <Button onClick={() => void query.refetch()}>{c("retry")}</Button>
      </Empty>
    );
  if (hint === undefined) return <Empty description={title} />;
  return (
    <Empty
      description={
        <>
          <div>{title}</div>
          <Typography.Text type="secondary">{hint}</Typography.Text>
        </>
      }
    />
  );
}
