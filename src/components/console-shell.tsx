"use client";

import { Alert, Avatar, Dropdown, Layout, Menu, Space, Typography } from "antd";
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
import { useEffect, type ReactNode } from "react";
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

const MENU: { key: string; href: string; icon: ReactNode; label: MenuLabel; needs?: PermissionCode }[] = [
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
  const items = MENU.filter((m) => !m.needs || hasPermission(user.permissions, m.needs)).map((m) => ({
    key: m.key,
    icon: m.icon,
    label: <Link href={m.href}>{t(m.label)}</Link>,
  }));
  const brand = useBrand();
  const router = useRouter();
  const mustChange = !!user.mustChangePassword;
  useEffect(() => {
    // The account page shows only the password form when asked to (`?mustChange=1`).
    if (mustChange && (pathname !== "/account" || !window.location.search.includes("mustChange=1"))) router.replace("/account?mustChange=1");
  }, [mustChange, pathname, router]);
  const selected = MENU.find((m) => pathname === m.href || pathname.startsWith(`${m.href}/`))?.key;

  return (
    <Layout style={{ minHeight: "100vh" }}>
      {/* Sticky: the menu stays in view on long pages, and scrolls on its own when taller than the window. */}
      <Layout.Sider
        breakpoint="lg"
        collapsedWidth={0}
        theme="light"
        width={220}
        data-testid="console-sider"
        style={{ borderRight: "1px solid #eef0f3", position: "sticky", top: 0, height: "100vh", zIndex: 2 }}
      >
        {/* The scrolling box inside: on the sider itself it would clip the small-screen menu toggle. */}
        <div style={{ height: "100%", overflowY: "auto" }}>
          <div style={{ padding: "16px 20px" }}>
            <BrandMark brand={brand} size={28} fallbackName={app("name")} />
          </div>
          <Menu mode="inline" items={items} selectedKeys={selected ? [selected] : []} style={{ borderInlineEnd: 0 }} />
        </div>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: "#fff",
            padding: "0 24px",
            display: "flex",
            alignItems: "center",
            justifyContent: "space-between",
            borderBottom: "1px solid #eef0f3",
          }}
        >
          <Typography.Text type="secondary">{isOperator ? `${app("console")} · ${tenantName}` : tenantName}</Typography.Text>
          <Space size="large">
            <LanguageSwitch signedIn />
            <Dropdown
              trigger={["click"]}
              menu={{
                items: [{ key: "signout", icon: <LogoutOutlined />, label: t("signOut"), onClick: signOut }],
              }}
            >
              <button type="button" data-testid="user-menu" style={{ background: "none", border: 0, cursor: "pointer", padding: 0 }}>
                <Space>
                  <Avatar size="small" src={user.avatar ?? undefined} icon={<UserOutlined />} />
                  <span>{user.name || user.userName}</span>
                </Space>
              </button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          {mustChange && <Alert type="warning" showIcon data-testid="must-change-password" style={{ marginBottom: 16 }} title={t("mustChangePassword")} />}
          <ConsolePermissionsProvider permissions={user.permissions} tenantId={tenantId}>
            {children}
          </ConsolePermissionsProvider>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
