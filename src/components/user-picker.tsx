"use client";

import { Empty, Input, Select, Space, Spin, Typography } from "antd";
import { useQueries, useQuery } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useState, type CSSProperties } from "react";
import { useTRPC } from "~/trpc/react";
import { useCan, useConsoleTenantId } from "~/components/console-permissions";
import type { UserPickItem } from "~/lib/validators/user";
import { useSeededText } from "~/components/use-seeded-text";

export type PickedUser = UserPickItem;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PHONE = /^\+?[\d\s-]{3,}$/;
const TAKE = 20;

/** Nickname, else user name, phone or email: what a person recognises. */
export const userLabel = (u: Pick<PickedUser, "name" | "userName" | "phone" | "email">) => u.name ?? u.userName ?? u.phone ?? u.email;

const isForbidden = (e: unknown) => e instanceof TRPCClientError && (e.data as { code?: string } | undefined)?.code === "FORBIDDEN";

/**
 * What to ask `user.list` for a typed text: an email prefix when it has "@", a phone prefix when it
 * looks like a phone (stored as "+86-158…": digits alone are tried as a mainland number, and as a
 * name), else a user name / nickname prefix. Empty: the newest users, to browse.
 */
export function userSearchFilters(text: string): { name?: string; phone?: string; email?: string }[] {
  const q = text.trim();
  if (!q) return [{}];
  if (q.includes("@")) return [{ email: q.slice(0, 254) }];
  if (PHONE.test(q)) {
    const compact = q.replace(/\s/g, "");
    if (compact.startsWith("+")) return [{ phone: compact.slice(0, 32) }];
    return [{ phone: `+86-${compact.replace(/-/g, "")}`.slice(0, 32) }, { name: compact.slice(0, 64) }];
  }
  return [{ name: q.slice(0, 64) }];
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return debounced;
}

const toPicked = (u: { id: string; userName: string | null; nickname: string | null; phone: string | null; email: string | null }): PickedUser => ({
  id: u.id,
  name: u.nickname ?? u.userName,
  userName: u.userName,
  phone: u.phone,
  email: u.email,
});

interface BaseProps {
  id?: string;
  "aria-label"?: string;
  "data-testid"?: string;
  placeholder?: string;
  disabled?: boolean;
  style?: CSSProperties;
  /** Operators: search and label this tenant's users (default: the tenant the console is on). */
  tenantId?: string;
  /** Users who may not be picked (e.g. the user being edited, as their own referrer). */
  excludeIds?: string[];
  /** Labels the page already has, shown without a lookup. */
  known?: PickedUser[];
  /**
   * Without `uc.user.get`, search the caller's own referral team (`team.list`, `uc.team.get`)
   * instead of falling back to typing ids. For "whose team": a partner may only look into their own.
   */
  teamWhenRestricted?: boolean;
}
export interface SingleProps extends BaseProps {
  mode?: undefined;
  value?: string | null;
  onChange?: (value: string | undefined) => void;
}
export interface MultipleProps extends BaseProps {
  mode: "multiple";
  value?: string[] | null;
  onChange?: (value: string[]) => void;
}

/**
 * Picks users by searching the server (debounced), for forms that store user ids. Administrators
 * search the tenant through `user.list` and see the chosen ids' names through `user.pick`. Callers
 * who may not list users (a developer naming API owners) get a plain id input with a hint, or their
 * own team when `teamWhenRestricted`; the server decides in any case (a 403 switches to the fallback).
 */
export function UserPicker(props: SingleProps | MultipleProps) {
  const { mode, tenantId: tenantProp, excludeIds, known, teamWhenRestricted, placeholder, ...rest } = props;
  const t = useTranslations("user.picker");
  const trpc = useTRPC();
  // Operators' searches span tenants unless told one: default to the tenant the console is on.
  const consoleTenantId = useConsoleTenantId();
  const tenantId = tenantProp ?? consoleTenantId;
  const seeded = useSeededText();
  const canUsers = useCan("uc.user.get");
  const canTeam = useCan("uc.team.get");
  const [refused, setRefused] = useState(false);
  const source: "users" | "team" | null = canUsers !== false && !refused ? "users" : teamWhenRestricted && canTeam !== false ? "team" : null;

  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const term = useDebounced(text.trim(), 300);
  const typing = text.trim() !== term;

  const selected = useMemo(() => {
    const v = props.value;
    return v == null || v === "" ? [] : Array.isArray(v) ? v : [v];
  }, [props.value]);

  // Users chosen here, remembered so their labels stay when the search moves on.
  const [picked, setPicked] = useState<Map<string, PickedUser>>(() => new Map());

  const userSearches = useQueries({
    queries: userSearchFilters(term).map((f) => ({
      ...trpc.user.list.queryOptions({ ...f, tenantId, take: TAKE }),
      enabled: open && source === "users",
      retry: false,
      staleTime: 30_000,
    })),
  });
  const teamSearch = useQuery({
    ...trpc.team.list.queryOptions({ search: term || undefined, take: TAKE }),
    enabled: open && source === "team",
    retry: false,
    staleTime: 30_000,
  });

  // At most a few dozen rows, and nothing keys on its identity: worked out afresh each render.
  const rows = source === "team" ? (teamSearch.data?.items ?? []) : userSearches.flatMap((q) => q.data?.items ?? []);
  const found: PickedUser[] = [...new Map(rows.map((r) => [r.id, toPicked({ ...r, nickname: seeded.nickname(r.nickname) })])).values()];

  const searchError = source === "team" ? teamSearch.error : (userSearches.find((q) => q.error)?.error ?? null);
  // A 403 while searching users: fall back for good (state adjusted during render, not in an effect).
  if (source === "users" && isForbidden(searchError) && !refused) setRefused(true);
  const searching = typing || (source === "team" ? teamSearch.isFetching : userSearches.some((q) => q.isFetching));

  // Names for chosen ids the picker has not met yet (an existing form's value).
  const met = (id: string) => picked.has(id) || found.some((u) => u.id === id) || !!known?.some((u) => u.id === id);
  const missing = selected
    .filter((id) => UUID.test(id) && !met(id))
    .sort()
    .slice(0, 50);
  const labels = useQuery({
    ...trpc.user.pick.queryOptions({ ids: missing, tenantId }),
    enabled: missing.length > 0 && canUsers !== false,
    retry: false,
    staleTime: 60_000,
  });
  // The operator's seeded nickname in the console's language (src/lib/seeded-text.ts).
  const seen = new Map<string, PickedUser>(
    [...(known ?? []), ...(labels.data ?? []), ...picked.values(), ...found].map((u) => [u.id, { ...u, name: seeded.nickname(u.name) }]),
  );
  // Asked and not answered (deleted, another tenant's, or no right to look): show the id.
  const answered = !!labels.data || !!labels.error;
  const lookedUp = (id: string) => answered && missing.includes(id) && !seen.has(id);
  const remember = (users: PickedUser[]) => {
    if (users.length) setPicked((prev) => new Map([...prev, ...users.map((u) => [u.id, u] as const)]));
  };

  if (source === null) return <IdFallback {...props} />;

  const excluded = new Set(excludeIds ?? []);
  const unknownLabel = (id: string) => (lookedUp(id) ? `${id} (${t("unknown")})` : id);
  const chosen = selected.map((id) => seen.get(id) ?? null);
  // Only answers to exactly what is typed: nothing stale while the debounce runs (a spinner instead).
  const shown = typing ? [] : found;
  const shownIds = new Set(shown.map((u) => u.id));
  // The chosen users head the list when browsing; while searching, only if they match (the select
  // keeps showing their labels either way).
  const options = [
    ...chosen
      .map((u, i) =>
        u ? { value: u.id, label: userLabel(u) ?? t("noName"), user: u } : { value: selected[i]!, label: unknownLabel(selected[i]!), user: null },
      )
      .filter((o) => !text.trim() || shownIds.has(o.value)),
    ...shown.filter((u) => !selected.includes(u.id) && !excluded.has(u.id)).map((u) => ({ value: u.id, label: userLabel(u) ?? t("noName"), user: u })),
  ];

  const notFound = searching ? (
    <Space style={{ padding: 8 }}>
      <Spin size="small" />
      {t("searching")}
    </Space>
  ) : searchError && !isForbidden(searchError) ? (
    <Typography.Text type="danger">{searchError.message}</Typography.Text>
  ) : (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={term ? t("empty") : t("none")} />
  );

  const select = (
    <Select<string | string[], (typeof options)[number]>
      {...rest}
      mode={mode}
      value={mode === "multiple" ? selected : selected[0]}
      onChange={(v, option) => {
        remember((Array.isArray(option) ? option : option ? [option] : []).flatMap((o) => (o?.user ? [o.user] : [])));
        setText("");
        if (mode === "multiple") (props as MultipleProps).onChange?.((v as string[] | undefined) ?? []);
        else (props as SingleProps).onChange?.((v as string | undefined) ?? undefined);
      }}
      options={options}
      showSearch={{ filterOption: false, searchValue: text, onSearch: setText }}
      allowClear
      loading={searching && open}
      placeholder={placeholder ?? (source === "team" ? t("placeholderTeam") : t("placeholder"))}
      notFoundContent={notFound}
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) setText("");
      }}
      optionRender={(o) => {
        const u = o.data.user;
        const contact = u ? [u.userName !== userLabel(u) ? u.userName : null, u.phone, u.email].filter(Boolean).join(" · ") : "";
        return (
          <div data-testid="user-picker-option">
            <div>{o.data.label}</div>
            {contact && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {contact}
              </Typography.Text>
            )}
          </div>
        );
      }}
      style={{ width: "100%", ...rest.style }}
    />
  );
  if (source === "team")
    return (
      <div style={rest.style}>
        {select}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("teamOnly")}
        </Typography.Text>
      </div>
    );
  return select;
}

/** Without the right to search users: type or paste ids (the form's zod schema checks them). */
function IdFallback(props: SingleProps | MultipleProps) {
  const t = useTranslations("user.picker");
  const hint = (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {props.mode === "multiple" ? t("restrictedMany") : t("restrictedOne")}
    </Typography.Text>
  );
  if (props.mode === "multiple")
    return (
      <div style={props.style}>
        <Select
          id={props.id}
          aria-label={props["aria-label"]}
          data-testid={props["data-testid"]}
          disabled={props.disabled}
          mode="tags"
          open={false}
          suffixIcon={null}
          tokenSeparators={[" ", ","]}
          value={props.value ?? []}
          onChange={(v: string[]) => props.onChange?.(v.map((x) => x.trim()).filter(Boolean))}
          placeholder={t("idsPlaceholder")}
          style={{ width: "100%" }}
        />
        {hint}
      </div>
    );
  return (
    <div style={props.style}>
      <Input
        id={props.id}
        aria-label={props["aria-label"]}
        data-testid={props["data-testid"]}
        disabled={props.disabled}
        value={props.value ?? ""}
        onChange={(e) => props.onChange?.(e.target.value.trim() || undefined)}
        placeholder="00000000-0000-0000-0000-000000000000"
        autoComplete="off"
      />
      {hint}
    </div>
  );
}
