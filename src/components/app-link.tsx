"use client";

import NextLink from "next/link";
import { useRouter } from "next/navigation";
import type { ComponentProps, FocusEvent, MouseEvent } from "react";

/**
 * `next/link` that prefetches on intent (pointer over it, keyboard focus) instead of on sight.
 * Every console page is dynamic, so each prefetch is a server render of the layouts: by default a
 * page view sent one for every side-menu entry and every row's link in view (30+ renders, about 0.5 s of
 * server CPU per view, competing with the page the user is waiting for). Now a page view sends
 * none, and the link a user reaches for is fetched while the click is on its way.
 */
export function Link({ href, onMouseEnter, onFocus, ...rest }: ComponentProps<typeof NextLink>) {
  const router = useRouter();
  const target = typeof href === "string" ? href : null;
  const intent = () => {
    if (target?.startsWith("/")) router.prefetch(target);
  };
  return (
    <NextLink
      {...rest}
      href={href}
      prefetch={false}
      onMouseEnter={(e: MouseEvent<HTMLAnchorElement>) => {
        intent();
        onMouseEnter?.(e);
      }}
      onFocus={(e: FocusEvent<HTMLAnchorElement>) => {
        intent();
        onFocus?.(e);
      }}
    />
  );
}

export default Link;
