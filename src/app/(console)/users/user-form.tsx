"use client";

import { DatePicker, Form, Input, Select } from "antd";
import type { Dayjs } from "dayjs";
import dayjs from "dayjs";
import { useTranslations } from "next-intl";
import { UserPicker } from "~/components/user-picker";
import { GENDERS, NICKNAME_MAX, USER_STATUSES } from "~/lib/validators/values";
import type { UserDetail } from "~/lib/validators/user";

export interface ProfileValues {
  userName?: string;
  nickname?: string;
  avatar?: string;
  phone?: string;
  email?: string;
  gender?: string;
  birthday?: Dayjs | null;
  address?: string;
  description?: string;
  remark?: string;
  status: (typeof USER_STATUSES)[number];
  referrerId?: string;
}

export const profileFromDetail = (d: UserDetail): ProfileValues => ({
  userName: d.userName ?? "",
  nickname: d.nickname ?? "",
  avatar: d.avatar ?? "",
  phone: d.phone ?? "",
  email: d.email ?? "",
  gender: d.gender ?? undefined,
  birthday: d.birthday ? dayjs(d.birthday) : null,
  address: d.address ?? "",
  description: d.description ?? "",
  remark: d.remark ?? "",
  status: d.status,
  referrerId: d.referrerId ?? "",
});

/** What the procedures take: dates as Date (midnight UTC for a birthday), blanks as "". */
export const profilePayload = (v: ProfileValues) => ({
  ...v,
  gender: v.gender ?? "",
  birthday: v.birthday ? new Date(Date.UTC(v.birthday.year(), v.birthday.month(), v.birthday.date())) : null,
  referrerId: v.referrerId?.trim() ?? "",
});

/** The profile fields, shared by the create drawer and the detail page. */
export function ProfileFields({
  self = false,
  user,
}: {
  self?: boolean;
  /** The user being edited (none when creating). */ user?: Pick<UserDetail, "id" | "tenantId" | "referrer">;
}) {
  const t = useTranslations("user");
  return (
    <>
      <Form.Item name="userName" label={t("userName")}>
        <Input maxLength={32} showCount autoComplete="off" />
      </Form.Item>
      <Form.Item name="nickname" label={t("nickname")}>
        <Input maxLength={NICKNAME_MAX} showCount />
      </Form.Item>
      <Form.Item name="phone" label={t("phone")} extra={t("phoneHint")}>
        <Input placeholder="+86-15810419011" autoComplete="off" />
      </Form.Item>
      <Form.Item name="email" label={t("email")}>
        <Input type="email" autoComplete="off" />
      </Form.Item>
      <Form.Item name="status" label={t("status")}>
        <Select disabled={self} options={USER_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} />
      </Form.Item>
      <Form.Item name="gender" label={t("gender")}>
        <Select allowClear options={GENDERS.map((g) => ({ value: g, label: t(`genders.${g}`) }))} />
      </Form.Item>
      <Form.Item name="birthday" label={t("birthday")}>
        <DatePicker style={{ width: "100%" }} />
      </Form.Item>
      <Form.Item name="avatar" label={t("avatar")}>
        <Input placeholder="https://…" />
      </Form.Item>
      <Form.Item name="address" label={t("address")}>
        <Input maxLength={200} showCount />
      </Form.Item>
      <Form.Item name="description" label={t("description")}>
        <Input.TextArea rows={2} maxLength={500} showCount />
      </Form.Item>
      <Form.Item name="remark" label={t("remark")}>
        <Input.TextArea rows={2} maxLength={500} showCount />
      </Form.Item>
      <Form.Item name="referrerId" label={t("referrer")}>
        <UserPicker
          aria-label={t("referrer")}
          data-testid="user-referrer"
          tenantId={user?.tenantId}
          excludeIds={user ? [user.id] : undefined}
          known={user?.referrer ? [{ id: user.referrer.id, name: user.referrer.name, userName: null, phone: null, email: null }] : undefined}
        />
      </Form.Item>
    </>
  );
}
