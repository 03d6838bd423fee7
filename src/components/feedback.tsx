"use client";

import { createContext, useCallback, useContext, useMemo, useRef, useState, type ComponentType, type ReactNode } from "react";
import { clsx } from "clsx";
import { ConfigContext } from "antd/es/config-provider";
import useAppStyle from "antd/es/app/style";
import type { MessageInstance } from "antd/es/message/interface";
import type { HookAPI as ModalApi } from "antd/es/modal/useModal";
import type { NotificationInstance } from "antd/es/notification/interface";

/** What antd's hooks answer once loaded (feedback-holder.tsx). */
export interface FeedbackApi {
  message: MessageInstance;
  modal: ModalApi;
  notification: NotificationInstance;
}

type Args<F> = F extends (...args: infer A) => unknown ? A : never;

/** The toasts, confirmations and notices pages show; each call is shown once the holder is there. */
export interface Feedback {
  message: { [K in "success" | "error" | "info" | "warning"]: (...args: Args<MessageInstance[K]>) => void };
  modal: { [K in "confirm" | "info"]: (...args: Args<ModalApi[K]>) => void };
  notification: { [K in "success" | "error"]: (...args: Args<NotificationInstance[K]>) => void };
}

const FeedbackContext = createContext<Feedback | null>(null);

/**
 * antd's `App` without its weight on every page: the same root element (`ant-app` with its
 * styles, so text looks as before), and `message`, `Modal` and `notification` (about 17 KiB of
 * gzip with their dialog and notice libraries) loaded with the first toast or confirmation a
 * page shows. Calls made before they are in are queued and shown in order.
 */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const { getPrefixCls } = useContext(ConfigContext);
  const prefixCls = getPrefixCls("app");
  const [hashId, cssVarCls] = useAppStyle(prefixCls);
  const [Holder, setHolder] = useState<ComponentType<{ onReady: (api: FeedbackApi) => void }> | null>(null);
  const state = useRef<{ api: FeedbackApi | null; queue: ((api: FeedbackApi) => void)[]; loading: boolean }>({ api: null, queue: [], loading: false });

  const value = useMemo<Feedback>(() => {
    const run = (call: (api: FeedbackApi) => void) => {
      const s = state.current;
      if (s.api) return call(s.api);
      s.queue.push(call);
      if (s.loading) return;
      s.loading = true;
      import("~/components/feedback-holder")
        .then((m) => setHolder(() => m.FeedbackHolder))
        // Offline, say: the next call tries again.
        .catch(() => void (s.loading = false));
    };
    return {
      message: {
        success: (...a) => run((x) => void x.message.success(...a)),
        error: (...a) => run((x) => void x.message.error(...a)),
        info: (...a) => run((x) => void x.message.info(...a)),
        warning: (...a) => run((x) => void x.message.warning(...a)),
      },
      modal: {
        confirm: (...a) => run((x) => void x.modal.confirm(...a)),
        info: (...a) => run((x) => void x.modal.info(...a)),
      },
      notification: {
        success: (...a) => run((x) => x.notification.success(...a)),
        error: (...a) => run((x) => x.notification.error(...a)),
      },
    };
  }, []);

  const onReady = useCallback((api: FeedbackApi) => {
    state.current.api = api;
    for (const call of state.current.queue.splice(0)) call(api);
  }, []);

  return (
    <FeedbackContext.Provider value={value}>
      <div className={clsx(hashId, prefixCls, cssVarCls)}>
        {Holder && <Holder onReady={onReady} />}
        {children}
      </div>
    </FeedbackContext.Provider>
  );
}

/** The page's toasts, confirmations and notices (in place of antd's `App.useApp()`). */
export function useFeedback(): Feedback {
  const feedback = useContext(FeedbackContext);
  if (!feedback) throw new Error("useFeedback needs FeedbackProvider (src/components/providers.tsx)");
  return feedback;
}
