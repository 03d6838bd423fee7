"use client";

import { Button, Space } from "antd";
import { Popconfirm } from "~/components/lazy-popconfirm";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";
import { useRowFeedback } from "~/components/list-page";
import type { SessionItem } from "~/lib/validators/session";
import { useSeededText } from "~/components/use-seeded-text";

/**
 * What an administrator does to a login session, wherever sessions are listed (the sessions
 * page, a user's Sessions tab): each step that signs someone out asks first, and each toast says
 * what happened to whom. `bin`: the row is in the recycle bin (restore, delete for good).
 */
export function SessionActions({ session: r, bin = false, onChanged }: { session: SessionItem; bin?: boolean; onChanged: () => unknown }) {
  const t = useTranslations("session");
  const seeded = useSeededText();
  const trpc = useTRPC();
  const feedback = useRowFeedback(onChanged);
  const can = {
    freeze: useCan("uc.session.freeze") !== false,
    unfreeze: useCan("uc.session.unfreeze") !== false,
    offline: useCan("uc.session.offline") !== false,
    delete: useCan("uc.session.delete") !== false,
    recycle: useCan("uc.session.recycle") !== false,
    purge: useCan("uc.session.purge") !== false,
  };
  const who = { user: seeded.nickname(r.userName) ?? t("someone"), site: t(`sites.${r.site as "web"}`) };
  const freeze = useMutation(trpc.session.freeze.mutationOptions(feedback(t("frozenDone", who))));
  const unfreeze = useMutation(trpc.session.unfreeze.mutationOptions(feedback(t("unfrozenDone", who))));
  const offline = useMutation(trpc.session.offline.mutationOptions(feedback(t("offlineDone", who))));
  const remove = useMutation(trpc.session.delete.mutationOptions(feedback(t("deletedDone", who))));
  const recycle = useMutation(trpc.session.recycle.mutationOptions(feedback(t("restoredDone", who))));
  const purge = useMutation(trpc.session.purge.mutationOptions(feedback(t("purgedDone"))));
  const live = r.state === "active" || r.state === "frozen";

  if (bin)
    return (
      <Space size="small">
        {can.recycle && (
          <Button size="small" type="link" loading={recycle.isPending} onClick={() => recycle.mutate({ id: r.id })}>
            {t("recycle")}
          </Button>
        )}
        {can.purge && (
          <Popconfirm title={t("confirmPurge")} okButtonProps={{ danger: true }} onConfirm={() => purge.mutateAsync({ id: r.id })}>
            <Button size="small" type="link" danger>
              {t("purge")}
            </Button>
          </Popconfirm>
        )}
      </Space>
    );
  return (
    <Space size={0} wrap>
      {r.state === "active" && can.freeze && (
        <Popconfirm title={t("confirmFreeze", who)} onConfirm={() => freeze.mutateAsync({ id: r.id })}>
          <Button size="small" type="link">
            {t("freeze")}
          </Button>
        </Popconfirm>
      )}
      {r.state === "frozen" && can.unfreeze && (
        <Button size="small" type="link" loading={unfreeze.isPending} onClick={() => unfreeze.mutate({ id: r.id })}>
          {t("unfreeze")}
        </Button>
      )}
      {live && can.offline && (
        <Popconfirm title={t("confirmOffline", who)} okButtonProps={{ danger: true }} onConfirm={() => offline.mutateAsync({ id: r.id })}>
          <Button size="small" type="link" danger>
            {t("offline")}
          </Button>
        </Popconfirm>
      )}
      {can.delete && (
        <Popconfirm
          title={live ? t("confirmDeleteLive", who) : t("confirmDelete")}
          okButtonProps={{ danger: true }}
          onConfirm={() => remove.mutateAsync({ id: r.id })}
        >
          <Button size="small" type="link" danger>
            {t("delete")}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}
