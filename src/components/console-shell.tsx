"use client";

import { Alert, Avatar, Button, Layout, Space, Typography } from "antd";
import { LazyDropdown } from "~/components/lazy-dropdown";
import {
  ApiOutlined,
  ApartmentOutlined,
  AppstoreOutlined,
  AuditOutlined,
  CloudServerOutlined,
  DesktopOutlined,
  DashboardOutlined,
  DownloadOutlined,
  FolderOpenOutlined,
  GlobalOutlined,
  IdcardOutlined,
  KeyOutlined,
  LockOutlined,
  LogoutOutlined,
  MailOutlined,
  MenuOutlined,
  MessageOutlined,
  ProfileOutlined,
  SafetyOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
  UsergroupAddOutlined,
} from "@ant-design/icons";
import Link from "~/components/app-link";
import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { cloneElement, useEffect, useState, type ReactElement, type ReactNode } from "react";
import { ANTD_THEME } from "~/lib/antd-theme";
import { hasPermission, type PermissionCode } from "~/lib/permissions";
import { LanguageSwitch } from "~/components/language-switch";
import { ConsolePermissionsProvider } from "~/components/console-permissions";
import { BrandMark, useBrand } from "~/components/brand";

/** next-auth's own sign-out (CSRF token, POST, redirect), loaded when it is chosen rather than with every page. */
const signOut = () => void import("next-auth/react").then((m) => m.signOut({ callbackUrl: "/login" }));

interface ShellUser {
  name: string;
  userName: string;
  avatar: string | null;
  permissions: string[];
  /** An administrator set the password: the account page's password form is all the console offers until it is changed. */
  mustChangePassword?: boolean;
}

type MenuLabel =
  | "dashboard"
  | "tenants"
  | "users"
  | "team"
  | "roles"
  | "clients"
  | "apiResources"
  | "apiProducts"
  | "apiScopes"
  | "identityResources"
  | "audit"
  | "exports"
  | "files"
  | "sessions"
  | "locks"
  | "outbox"
  | "messageTemplates"
  | "account"
  | "permissions"
  | "apiDocs"
  | "publicTenant";

const MENU: { key: string; href: string; icon: ReactElement<{ className?: string }>; label: MenuLabel; needs?: PermissionCode }[] = [
  { key: "dashboard", href: "/dashboard", icon: <DashboardOutlined />, label: "dashboard", needs: "uc.dashboard.get" },
  { key: "tenants", href: "/tenants", icon: <ApartmentOutlined />, label: "tenants", needs: "uc.tenant.get" },
  { key: "users", href: "/users", icon: <UserOutlined />, label: "users", needs: "uc.user.get" },
  { key: "team", href: "/team", icon: <UsergroupAddOutlined />, label: "team", needs: "uc.team.get" },
  { key: "roles", href: "/roles", icon: <TeamOutlined />, label: "roles", needs: "uc.role.get" },
  { key: "clients", href: "/clients", icon: <KeyOutlined />, label: "clients", needs: "uc.client.get" },
  { key: "api-resources", href: "/api-resources", icon: <CloudServerOutlined />, label: "apiResources", needs: "uc.apiresource.get" },
  { key: "api-products", href: "/api-products", icon: <AppstoreOutlined />, label: "apiProducts", needs: "uc.apiproduct.get" },
  { key: "api-scopes", href: "/api-scopes", icon: <TagsOutlined />, label: "apiScopes", needs: "uc.apiscope.get" },
  { key: "identity-resources", href: "/identity-resources", icon: <ProfileOutlined />, label: "identityResources", needs: "uc.identityresource.get" },
  { key: "audit", href: "/audit", icon: <AuditOutlined />, label: "audit", needs: "uc.audit.get" },
  { key: "exports", href: "/exports", icon: <DownloadOutlined />, label: "exports", needs: "uc.export.get" },
  { key: "files", href: "/files", icon: <FolderOpenOutlined />, label: "files", needs: "uc.file.get" },
  { key: "sessions", href: "/sessions", icon: <DesktopOutlined />, label: "sessions", needs: "uc.session.get" },
  { key: "locks", href: "/locks", icon: <LockOutlined />, label: "locks", needs: "uc.lock.get" },
  { key: "outbox", href: "/outbox", icon: <MailOutlined />, label: "outbox", needs: "uc.outbox.get" },
  { key: "message-templates", href: "/message-templates", icon: <MessageOutlined />, label: "messageTemplates", needs: "uc.messagetemplate.get" },
  { key: "account", href: "/account", icon: <IdcardOutlined />, label: "account" },
  { key: "permissions", href: "/permissions", icon: <SafetyOutlined />, label: "permissions", needs: "uc.permission.get" },
  { key: "api-docs", href: "/api-docs", icon: <ApiOutlined />, label: "apiDocs" },
  { key: "tenant", href: "/tenant", icon: <GlobalOutlined />, label: "publicTenant" },
];

export function ConsoleShell({
  tenantId,
  tenantName,
  isOperator,
  user,
  children,
}: {
  tenantId: string;
  tenantName: string;
  isOperator: boolean;
  user: ShellUser;
  children: ReactNode;
}) {
  const t = useTranslations("nav");
  const app = useTranslations("app");
  const pathname = usePathname();
  const items = MENU.filter((m) => !m.needs || hasPermission(user.permissions, m.needs));
  const brand = useBrand();
  const router = useRouter();
  const mustChange = !!user.mustChangePassword;
  useEffect(() => {
    // The account page shows only the password form when asked to (`?mustChange=1`).
    if (mustChange && (pathname !== "/account" || !window.location.search.includes("mustChange=1"))) router.replace("/account?mustChange=1");
  }, [mustChange, pathname, router]);
  const selected = MENU.find((m) => pathname === m.href || pathname.startsWith(`${m.href}/`))?.key;
  // Below antd's "lg" (992 px) the menu is hidden and opens over the page, from a button in the
  // header; it closes again on navigation, on Escape and on a tap beside it.
  const [narrow, setNarrow] = useState(false);
  // Until the window's width is known (the server's HTML, before hydration), a stylesheet rule
  // hides the menu on narrow screens (globals.css), so a phone never sees it pushed in first.
  const [measured, setMeasured] = useState(false);
  // Open on the page it was opened on: navigating closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const setOpen = (o: boolean) => setOpenOn(o ? pathname : null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpenOn(null);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  const hidden = narrow && !open;

  return (
    <Layout style={{ minHeight: "100vh" }}>
      {/* Sticky: the menu stays in view on long pages, and scrolls on its own when taller than the window. */}
      <Layout.Sider
        breakpoint="lg"
        collapsedWidth={0}
        collapsed={hidden}
        trigger={null}
        onBreakpoint={(broken) => {
          setMeasured(true);
          setNarrow(broken);
          setOpen(false);
        }}
        theme="light"
        width={220}
        data-testid="console-sider"
        id="console-menu"
        className={measured ? undefined : "uc-menu-unmeasured"}
        style={{
          borderRight: "1px solid #eef0f3",
          top: 0,
          height: "100vh",
          zIndex: narrow ? 1001 : 2,
          ...(narrow ? { position: "fixed", left: 0, boxShadow: open ? "0 6px 16px rgba(0,0,0,0.16)" : undefined } : { position: "sticky" }),
        }}
      >
        {/* Hidden, its links are out of the tab order too. */}
        <div style={{ height: "100%", overflowY: "auto", visibility: hidden ? "hidden" : undefined }} inert={hidden}>
          <div style={{ padding: "16px 20px" }}>
            <BrandMark brand={brand} size={28} fallbackName={app("name")} />
          </div>
          {/* antd's inline Menu as markup (antd.css draws it; its variables: src/app/antd-markup.css): a
              list of links, in the tab order, without rc-menu's code on every page. */}
          <ul
            className={`ant-menu ant-menu-root ant-menu-inline ant-menu-light ${ANTD_THEME.cssVar.key} ant-menu-css-var`}
            role="menu"
            style={{ borderInlineEnd: 0 }}
          >
            {items.map((m) => (
              <li
                key={m.key}
                role="menuitem"
                className={m.key === selected ? "ant-menu-item ant-menu-item-selected" : "ant-menu-item"}
                style={{ paddingLeft: 24 }}
              >
                {cloneElement(m.icon, { className: "ant-menu-item-icon" })}
                <span className="ant-menu-title-content">
                  <Link href={m.href} aria-current={m.key === selected ? "page" : undefined}>
                    {t(m.label)}
                  </Link>
                </span>
              </li>
            ))}
          </ul>
        </div>
      </Layout.Sider>
      {narrow && open && (
        <div
          data-testid="console-menu-backdrop"
          onClick={() => setOpen(false)}
          style={{ position: "fixed", inset: 0, zIndex: 1000, background: "rgba(0,0,0,0.25)" }}
        />
      )}
      <Layout style={{ minWidth: 0 }}>
        <Layout.Header
          style={{
            background: "#fff",
            padding: narrow ? "0 12px" : "0 24px",
            display: "flex",
            alignItems: "center",
            justifyContent: "space-between",
            borderBottom: "1px solid #eef0f3",
          }}
        >
          <div style={{ display: "flex", alignItems: "center", gap: 8, minWidth: 0, flex: "1 1 auto" }}>
            {narrow && (
              <Button
                type="text"
                icon={<MenuOutlined />}
                aria-label={open ? t("closeMenu") : t("openMenu")}
                aria-expanded={open}
                aria-controls="console-menu"
                data-testid="console-menu-toggle"
                onClick={() => setOpen(!open)}
              />
            )}
            <Typography.Text type="secondary" ellipsis style={{ minWidth: 0 }}>
              {isOperator ? `${app("console")} · ${tenantName}` : tenantName}
            </Typography.Text>
          </div>
          <Space size={narrow ? "small" : "large"} style={{ flex: "none" }}>
            <LanguageSwitch signedIn />
            <LazyDropdown
              menu={{
                items: [{ key: "signout", icon: <LogoutOutlined />, label: t("signOut"), onClick: signOut }],
              }}
            >
              <button type="button" data-testid="user-menu" style={{ background: "none", border: 0, cursor: "pointer", padding: 0 }}>
                <Space>
                  <Avatar size="small" src={user.avatar ?? undefined} icon={<UserOutlined />} />
                  {/* On a phone the avatar alone; the name stays the button's accessible name. */}
                  <span className={narrow ? "uc-visually-hidden" : undefined}>{user.name || user.userName}</span>
                </Space>
              </button>
            </LazyDropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: narrow ? 12 : 24 }}>
          {mustChange && <Alert type="warning" showIcon data-testid="must-change-password" style={{ marginBottom: 16 }} title={t("mustChangePassword")} />}
          <ConsolePermissionsProvider permissions={user.permissions} tenantId={tenantId}>
            {children}
          </ConsolePermissionsProvider>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
