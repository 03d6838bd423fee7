"use client";

import type { DropdownProps } from "antd";
import { cloneElement, useState, type ComponentType, type MouseEvent, type ReactElement } from "react";

type Trigger = ReactElement<{
  onClick?: (e: MouseEvent) => void;
  onMouseEnter?: () => void;
  disabled?: boolean;
  "aria-haspopup"?: "menu";
  "aria-expanded"?: boolean;
}>;

// antd's Dropdown brings its Menu (rc-menu, rc-overflow): loaded when a dropdown is first wanted.
let loaded: ComponentType<DropdownProps> | null = null;
const load = () =>
  import("antd/es/dropdown").then((m) => {
    loaded = m.default as ComponentType<DropdownProps>;
    return loaded;
  });

/**
 * A click-triggered antd Dropdown whose code loads on intent: until then it is the trigger alone
 * (the code is fetched as the pointer comes over it); a click (or Enter or Space on the trigger
 * button) opens antd's Dropdown as soon as its code is in. From then on it is antd's, as before.
 */
export function LazyDropdown({ menu, disabled, children }: Pick<DropdownProps, "menu" | "disabled"> & { children: Trigger }) {
  const [Dropdown, setDropdown] = useState<ComponentType<DropdownProps> | null>(() => loaded);
  const [open, setOpen] = useState(false);
  if (!Dropdown)
    return cloneElement(children, {
      "aria-haspopup": "menu",
      "aria-expanded": false,
      ...(disabled ? { disabled: true } : {}),
      onMouseEnter: () => void load(),
      onClick: (e: MouseEvent) => {
        children.props.onClick?.(e);
        if (disabled) return;
        void load().then((d) => {
          setDropdown(() => d);
          setOpen(true);
        });
      },
    });
  return (
    <Dropdown trigger={["click"]} menu={menu} disabled={disabled} open={open} onOpenChange={setOpen}>
      {children}
    </Dropdown>
  );
}
