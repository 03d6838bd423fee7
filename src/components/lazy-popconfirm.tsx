"use client";

import { Popconfirm as AntdPopconfirm, type PopconfirmProps } from "antd";
import { cloneElement, useState, type MouseEvent, type ReactElement } from "react";

type Trigger = ReactElement<{ onClick?: (e: MouseEvent<HTMLElement>) => void }>;

/**
 * antd's Popconfirm, mounted on first use. A list row's confirm (delete, freeze, force offline)
 * is a popover with its trigger, placements and observers per row: on a page of 20 rows that was
 * a good part of the server's render and of the browser's hydration, for popovers most views
 * never open. Until its trigger is first clicked (mouse or keyboard) this is the trigger alone;
 * then the Popconfirm itself, already open, and from there on as antd's.
 */
export function Popconfirm({ children, open: openProp, onOpenChange, disabled, ...props }: Omit<PopconfirmProps, "children"> & { children: Trigger }) {
  const [open, setOpen] = useState<boolean | null>(null);
  if (open === null && openProp === undefined && !disabled)
    return cloneElement(children, {
      onClick: (e: MouseEvent<HTMLElement>) => {
        children.props.onClick?.(e);
        setOpen(true);
        onOpenChange?.(true);
      },
    });
  return (
    <AntdPopconfirm
      {...props}
      disabled={disabled}
      open={openProp ?? open ?? false}
      onOpenChange={(next: boolean) => {
        setOpen(next);
        onOpenChange?.(next);
      }}
    >
      {children}
    </AntdPopconfirm>
  );
}
