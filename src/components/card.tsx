"use client";

import { useContext, type CSSProperties, type HTMLAttributes, type ReactNode } from "react";
import { clsx } from "clsx";
import { ConfigContext } from "antd/es/config-provider";
import useCardStyle from "antd/es/card/style";

export interface CardProps extends Omit<HTMLAttributes<HTMLDivElement>, "title"> {
  size?: "small" | "default";
  title?: ReactNode;
  extra?: ReactNode;
  hoverable?: boolean;
  styles?: { header?: CSSProperties; body?: CSSProperties };
}

const shown = (n: ReactNode) => n !== undefined && n !== null && n !== false && n !== "";

/**
 * antd's Card as the console uses it (a head with title and extra, a body): the same elements and
 * classes, so it looks the same from antd's stylesheet, without what antd's Card brings for its
 * tab list and loading state (Tabs and Skeleton, ~12 KiB of gzip on every page). Cards with a
 * cover or actions (the file grid) still use antd's.
 */
export function Card({ size, title, extra, hoverable, styles, className, children, ...rest }: CardProps) {
  const { getPrefixCls, direction } = useContext(ConfigContext);
  const p = getPrefixCls("card");
  const [hashId, cssVarCls] = useCardStyle(p);
  return (
    <div
      {...rest}
      className={clsx(
        p,
        `${p}-bordered`,
        { [`${p}-small`]: size === "small", [`${p}-hoverable`]: hoverable, [`${p}-rtl`]: direction === "rtl" },
        className,
        hashId,
        cssVarCls,
      )}
    >
      {(shown(title) || shown(extra)) && (
        <div className={`${p}-head`} style={styles?.header}>
          <div className={`${p}-head-wrapper`}>
            {shown(title) && <div className={`${p}-head-title`}>{title}</div>}
            {shown(extra) && <div className={`${p}-extra`}>{extra}</div>}
          </div>
        </div>
      )}
      {shown(children) && (
        <div className={`${p}-body`} style={styles?.body}>
          {children}
        </div>
      )}
    </div>
  );
}
