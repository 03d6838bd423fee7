import type { HTMLAttributes, ReactNode, Ref } from "react";
import { ANTD_THEME } from "~/lib/antd-theme";

/** antd's preset and status colours: the ones `antd/dist/antd.css` has classes for. */
const CLASS_COLORS = new Set([
  "magenta",
  "red",
  "volcano",
  "orange",
  "gold",
  "lime",
  "green",
  "cyan",
  "blue",
  "geekblue",
  "purple",
  "pink",
  "yellow",
  "success",
  "processing",
  "error",
  "default",
  "warning",
]);

export interface TagProps extends HTMLAttributes<HTMLSpanElement> {
  /** A preset or status colour (`green`, `success`, …); any other CSS colour tints the tag. */
  color?: string;
  icon?: ReactNode;
  variant?: "filled" | "outlined" | "solid";
  ref?: Ref<HTMLSpanElement>;
}

/**
 * antd's Tag as markup only: the same classes, so `antd/dist/antd.css` (loaded on every page)
 * styles it exactly as antd's component would. antd's own Tag brings its style generator, which
 * imports the colour picker and through it the collapse panel (about 10 KB of gzip on every page
 * that shows a tag) for a `<span>` the stylesheet already styles. No closing, no checkable tags.
 * The Tag's own CSS variables, which antd's component writes when it first renders, are in globals.css.
 */
export function Tag({ color, icon, variant = "filled", className, style, children, ref, ...rest }: TagProps) {
  const classed = !!color && CLASS_COLORS.has(color);
  const tint =
    color && !classed
      ? variant === "solid"
        ? { backgroundColor: color, color: "#fff" }
        : { backgroundColor: `color-mix(in srgb, ${color} 10%, #fff)`, color, ...(variant === "outlined" ? { borderColor: color } : {}) }
      : undefined;
  const classes = ["ant-tag", `ant-tag-${variant}`, classed ? `ant-tag-${color}` : null, ANTD_THEME.cssVar.key, className].filter(Boolean).join(" ");
  return (
    <span ref={ref} className={classes} style={tint ? { ...tint, ...style } : style} {...rest}>
      {icon ? (
        <>
          {icon}
          <span>{children}</span>
        </>
      ) : (
        children
      )}
    </span>
  );
}
