"use client";

/**
 * "Release SDK" and "Git sync" for an API resource: a dialog that starts the job (the version is
 * optional: the bump the changelog gives is shown), then the job's progress bar, steps and live
 * log (JobProgress). Part 1's SDKs tab includes this component; until then it sits under the
 * Publishing tab. The settings are typed here until part 1's SDK settings exist; at the merge the
 * form shrinks to the version (and the settings come from the saved ones).
 */
import { useState } from "react";
import { Alert, App, Button, Card, Checkbox, Divider, Form, Input, Modal, Space, Typography } from "antd";
import { CloudUploadOutlined, BranchesOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";
import { handleServerError } from "~/components/form-errors";
import { JobProgress } from "~/components/job-progress";
import type { ApiResourceItem } from "~/lib/validators/api";
import type { SdkReleasePlan } from "~/lib/validators/sdk-release";

type Values = {
  packageName: string;
  className: string;
  version?: string;
  registryUrl: string;
  token: string;
  description?: string;
  license?: string;
  author?: string;
  pushToGit?: boolean;
  remoteUrl?: string;
  branch?: string;
  user?: string;
  gitToken?: string;
  syncDocs?: boolean;
};

const defaultClass = (name: string) =>
  `${
    name
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join("")
      .replace(/^[^A-Za-z]+/, "") || "Api"
  }Client`;

export function SdkReleasePanel({ api }: { api: ApiResourceItem }) {
  const t = useTranslations("sdkRelease");
  const canRelease = useCan("uc.codegen.releasesdk") !== false;
  const canSync = useCan("uc.codegen.gitsync") !== false;
  const [mode, setMode] = useState<"release" | "sync" | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const trpc = useTRPC();
  const qc = useQueryClient();
  if (!canRelease && !canSync) return null;
  return (
    <Card size="small" title={t("title")} style={{ marginTop: 16 }} data-testid="sdk-release">
      <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
      <Space wrap>
        {canRelease && (
          <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => setMode("release")} data-testid="sdk-release-open">
            {t("release")}
          </Button>
        )}
        {canSync && (
          <Button icon={<BranchesOutlined />} onClick={() => setMode("sync")} data-testid="sdk-gitsync-open">
            {t("gitSync")}
          </Button>
        )}
      </Space>
      {jobId && (
        <div style={{ marginTop: 16 }}>
          <JobProgress key={jobId} jobId={jobId} onEnded={() => void qc.invalidateQueries(trpc.apiPackage.pathFilter())} />
        </div>
      )}
      {mode && (
        <ReleaseDialog
          api={api}
          mode={mode}
          onClose={() => setMode(null)}
          onStarted={(id) => {
            setJobId(id);
            setMode(null);
          }}
        />
      )}
    </Card>
  );
}

function ReleaseDialog({
  api,
  mode,
  onClose,
  onStarted,
}: {
  api: ApiResourceItem;
  mode: "release" | "sync";
  onClose: () => void;
  onStarted: (jobId: string) => void;
}) {
  const t = useTranslations("sdkRelease");
  const trpc = useTRPC();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [plan, setPlan] = useState<SdkReleasePlan | null>(null);
  const pushToGit = Form.useWatch("pushToGit", form);
  const withGit = mode === "sync" || !!pushToGit;

  const npmOf = (v: Values) => ({
    packageName: v.packageName,
    className: v.className,
    version: v.version ?? "",
    registryUrl: v.registryUrl,
    token: v.token,
    description: v.description ?? "",
    license: v.license || "UNLICENSED",
    author: v.author ?? "",
  });
  const gitOf = (v: Values) => ({
    remoteUrl: v.remoteUrl ?? "",
    branch: v.branch || "main",
    user: v.user ?? "",
    token: v.gitToken ?? "",
    syncDocs: v.syncDocs ?? true,
  });
  const done = (r: { jobId: string; version: string | null }) => {
    void message.success(t("started", { version: r.version ?? "" }));
    onStarted(r.jobId);
  };
  const fail = (e: unknown) => void message.error(handleServerError(form, e));
  const check = useMutation(trpc.sdkRelease.plan.mutationOptions({ onSuccess: setPlan, onError: fail }));
  const release = useMutation(trpc.sdkRelease.release.mutationOptions({ onSuccess: done, onError: fail }));
  const sync = useMutation(trpc.sdkRelease.gitSync.mutationOptions({ onSuccess: done, onError: fail }));

  const submit = (v: Values) => {
    if (mode === "release") release.mutate({ apiResourceId: api.id, npm: npmOf(v), git: withGit ? gitOf(v) : undefined });
    else {
      const { registryUrl: _r, token: _t, ...npm } = npmOf(v);
      sync.mutate({ apiResourceId: api.id, npm, git: gitOf(v) });
    }
  };
  const checkVersion = async () => {
    const v = await form.validateFields(["packageName", "className", "registryUrl", "token"]).catch(() => null);
    if (v) check.mutate({ apiResourceId: api.id, npm: npmOf({ ...form.getFieldsValue(), ...v, version: "" }) });
  };

  return (
    <Modal
      open
      width={640}
      title={mode === "release" ? t("releaseTitle") : t("syncTitle")}
      okText={t("start")}
      onOk={() => form.submit()}
      confirmLoading={release.isPending || sync.isPending}
      onCancel={onClose}
      okButtonProps={{ "data-testid": "sdk-release-start" } as { [k: `data-${string}`]: string }}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          packageName: api.name.toLowerCase().replace(/[^a-z0-9._~-]+/g, "-"),
          className: defaultClass(api.name),
          license: "MIT",
          branch: "main",
          syncDocs: true,
          pushToGit: false,
        }}
      >
        <Divider titlePlacement="start" style={{ marginTop: 0 }}>
          {t("npm")}
        </Divider>
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="packageName" label={t("packageName")} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Input data-testid="sdk-package-name" />
          </Form.Item>
          <Form.Item name="className" label={t("className")} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
        </Space.Compact>
        {mode === "release" && (
          <>
            <Form.Item name="registryUrl" label={t("registryUrl")} rules={[{ required: true }]}>
              <Input placeholder="https://registry.npmjs.org/" data-testid="sdk-registry" />
            </Form.Item>
            <Form.Item name="token" label={t("token")} extra={t("tokenHint")} rules={[{ required: true }]}>
              <Input.Password autoComplete="off" data-testid="sdk-token" />
            </Form.Item>
            <Form.Item
              name="version"
              label={t("version")}
              extra={
                plan ? (
                  <span data-testid="sdk-plan">
                    {plan.published
                      ? t("alreadyPublished", { version: plan.version })
                      : t("versionHint", { version: plan.version, bump: t(`bump.${plan.bump}`) })}
                  </span>
                ) : (
                  t("versionHintUnknown")
                )
              }
            >
              <Input
                placeholder={plan?.version ?? "1.2.3"}
                addonAfter={
                  <Button
                    type="link"
                    size="small"
                    onClick={() => void checkVersion()}
                    loading={check.isPending}
                    data-testid="sdk-check-version"
                    style={{ padding: 0, height: "auto" }}
                  >
                    {t("checkVersion")}
                  </Button>
                }
              />
            </Form.Item>
          </>
        )}
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="description" label={t("description")} style={{ flex: 2 }}>
            <Input />
          </Form.Item>
          <Form.Item name="license" label={t("license")} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
          <Form.Item name="author" label={t("author")} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
        </Space.Compact>
        <Divider titlePlacement="start">{t("git")}</Divider>
        {mode === "release" && (
          <Form.Item name="pushToGit" valuePropName="checked">
            <Checkbox data-testid="sdk-push-git">{t("pushToGit")}</Checkbox>
          </Form.Item>
        )}
        {withGit && (
          <>
            <Form.Item name="remoteUrl" label={t("remoteUrl")} rules={[{ required: true }]}>
              <Input placeholder="https://git.example.com/team/sdk.git" data-testid="sdk-git-url" />
            </Form.Item>
            <Space.Compact block style={{ gap: 12 }}>
              <Form.Item name="branch" label={t("branch")} style={{ flex: 1 }}>
                <Input />
              </Form.Item>
              <Form.Item name="user" label={t("user")} rules={[{ required: true }]} style={{ flex: 1 }}>
                <Input data-testid="sdk-git-user" />
              </Form.Item>
              <Form.Item name="gitToken" label={t("token")} rules={[{ required: true }]} style={{ flex: 1 }}>
                <Input.Password autoComplete="off" data-testid="sdk-git-token" />
              </Form.Item>
            </Space.Compact>
            <Form.Item name="syncDocs" valuePropName="checked">
              <Checkbox>{t("syncDocs")}</Checkbox>
            </Form.Item>
          </>
        )}
        {plan?.published && <Alert type="warning" showIcon title={t("alreadyPublished", { version: plan.version })} />}
      </Form>
    </Modal>
  );
}
