"use client";

/**
 * The SDKs tab's "Release" sub-tab: which saved settings a release uses (package and registry
 * from the npm settings, the Git remote from the Git settings, with a switch to them when they
 * are missing), "Release SDK" (a dialog asking only for the version, the changelog's bump shown)
 * and "Git sync", then the job's progress bar, steps and live log (JobProgress).
 */
import { useFeedback } from "~/components/feedback";
import { useEffect, useState } from "react";
import { Alert, Button, Descriptions, Form, Input, Modal, Space, Typography } from "antd";
import { Tag } from "~/components/tag";
import { CloudUploadOutlined, BranchesOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";
import { handleServerError } from "~/components/form-errors";
import { JobProgress } from "~/components/job-progress";
import type { ApiResourceItem } from "~/lib/validators/api";
import { DEFAULT_RELEASE_GENERATOR } from "~/lib/validators/sdk-release";

export function SdkReleasePanel({ api, onSettings }: { api: ApiResourceItem; onSettings?: (tab: "npm" | "git") => void }) {
  const t = useTranslations("sdkRelease");
  const canRelease = useCan("uc.codegen.releasesdk") !== false;
  const canSync = useCan("uc.codegen.gitsync") !== false;
  const [mode, setMode] = useState<"release" | "sync" | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const trpc = useTRPC();
  const qc = useQueryClient();
  const npm = useQuery(trpc.codegen.npmOptions.queryOptions({ id: api.id, language: "typescript" }));
  const git = useQuery(trpc.codegen.gitOptions.queryOptions({ id: api.id }));
  if (!canRelease && !canSync) return null;
  const npmReady = !!npm.data?.saved && npm.data.hasToken;
  const gitSaved = !!git.data?.saved && !!git.data.remoteUrl;
  const gitReady = gitSaved && !!git.data?.hasToken;
  const link = (tab: "npm" | "git", label: string) =>
    onSettings ? (
      <Button type="link" size="small" onClick={() => onSettings(tab)} data-testid={`sdk-release-open-${tab}`} style={{ padding: 0 }}>
        {label}
      </Button>
    ) : null;
  const missing = <Tag color="warning">{t("notSaved")}</Tag>;
  return (
    <div data-testid="sdk-release">
      <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
      <Descriptions size="small" column={1} bordered title={t("uses")} style={{ marginBottom: 16 }} data-testid="sdk-release-settings">
        <Descriptions.Item label={t("package")}>
          <Space wrap>
            {npm.data?.saved ? <Typography.Text code>{npm.data.packageName}</Typography.Text> : missing}
            {link("npm", t("openNpm"))}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t("registry")}>
          <Space wrap>
            {npm.data?.saved ? <Typography.Text>{npm.data.registryUrl}</Typography.Text> : missing}
            {npm.data?.saved && <Tag color={npm.data.hasToken ? "success" : "warning"}>{npm.data.hasToken ? t("tokenSaved") : t("noToken")}</Tag>}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t("gitRemote")}>
          <Space wrap>
            {gitSaved ? (
              <>
                <Typography.Text>{git.data!.remoteUrl}</Typography.Text>
                <Typography.Text type="secondary">{t("branch", { branch: git.data!.branch })}</Typography.Text>
                <Tag color={git.data!.hasToken ? "success" : "warning"}>{git.data!.hasToken ? t("tokenSaved") : t("noToken")}</Tag>
              </>
            ) : (
              missing
            )}
            {link("git", t("openGit"))}
          </Space>
        </Descriptions.Item>
      </Descriptions>
      {npm.data && !npmReady && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t("needNpm")} data-testid="sdk-release-need-npm" />}
      <Space wrap>
        {canRelease && (
          <Button type="primary" icon={<CloudUploadOutlined />} disabled={!npmReady} onClick={() => setMode("release")} data-testid="sdk-release-open">
            {t("release")}
          </Button>
        )}
        {canSync && (
          <Button
            icon={<BranchesOutlined />}
            disabled={!gitReady}
            title={gitReady ? undefined : t("needGit")}
            onClick={() => setMode("sync")}
            data-testid="sdk-gitsync-open"
          >
            {t("gitSync")}
          </Button>
        )}
      </Space>
      {jobId && (
        <div style={{ marginTop: 16 }}>
          <JobProgress
            key={jobId}
            jobId={jobId}
            onEnded={() => {
              void qc.invalidateQueries(trpc.apiPackage.pathFilter());
              void qc.invalidateQueries(trpc.codegen.history.pathFilter());
            }}
          />
        </div>
      )}
      {mode && (
        <ReleaseDialog
          api={api}
          mode={mode}
          summary={{
            packageName: npm.data?.packageName ?? "",
            registryUrl: npm.data?.registryUrl ?? "",
            remote: gitSaved ? git.data!.remoteUrl : null,
            branch: git.data?.branch ?? "",
          }}
          onClose={() => setMode(null)}
          onStarted={(id) => {
            setJobId(id);
            setMode(null);
          }}
        />
      )}
    </div>
  );
}

function ReleaseDialog({
  api,
  mode,
  summary,
  onClose,
  onStarted,
}: {
  api: ApiResourceItem;
  mode: "release" | "sync";
  summary: { packageName: string; registryUrl: string; remote: string | null; branch: string };
  onClose: () => void;
  onStarted: (jobId: string) => void;
}) {
  const t = useTranslations("sdkRelease");
  const trpc = useTRPC();
  const { message } = useFeedback();
  const [form] = Form.useForm<{ version?: string }>();
  const target = { apiResourceId: api.id, generatorId: DEFAULT_RELEASE_GENERATOR };
  // What a release without a typed version would publish: asked once when the dialog opens.
  const plan = useMutation(trpc.sdkRelease.plan.mutationOptions());
  const { mutate: askPlan } = plan;
  useEffect(() => {
    if (mode === "release") askPlan({ apiResourceId: api.id, generatorId: DEFAULT_RELEASE_GENERATOR });
  }, [mode, api.id, askPlan]);
  const done = (r: { jobId: string; version: string | null }) => {
    void message.success(t("started", { version: r.version ?? "" }));
    onStarted(r.jobId);
  };
  const fail = (e: unknown) => void message.error(handleServerError(form, e));
  const release = useMutation(trpc.sdkRelease.release.mutationOptions({ onSuccess: done, onError: fail }));
  const sync = useMutation(trpc.sdkRelease.gitSync.mutationOptions({ onSuccess: done, onError: fail }));
  const submit = (v: { version?: string }) => {
    if (mode === "release") release.mutate({ ...target, version: v.version?.trim() ?? "" });
    else sync.mutate(target);
  };
  const p = plan.data;
  return (
    <Modal
      open
      width={560}
      title={mode === "release" ? t("releaseTitle") : t("syncTitle")}
      okText={t("start")}
      onOk={() => form.submit()}
      confirmLoading={release.isPending || sync.isPending}
      onCancel={onClose}
      okButtonProps={{ "data-testid": "sdk-release-start" } as { [k: `data-${string}`]: string }}
      destroyOnHidden
    >
      <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t("package")}>
          <Typography.Text code>{summary.packageName}</Typography.Text>
        </Descriptions.Item>
        {mode === "release" && <Descriptions.Item label={t("registry")}>{summary.registryUrl}</Descriptions.Item>}
        <Descriptions.Item label={t("gitRemote")}>
          {summary.remote ? `${summary.remote} (${t("branch", { branch: summary.branch })})` : t("noGitRelease")}
        </Descriptions.Item>
      </Descriptions>
      <Form form={form} layout="vertical" onFinish={submit}>
        {mode === "release" && (
          <Form.Item
            name="version"
            label={t("version")}
            extra={
              <span data-testid="sdk-plan">
                {p
                  ? p.published
                    ? t("alreadyPublished", { version: p.version })
                    : t("versionHint", { version: p.version, bump: t(`bump.${p.bump}`) })
                  : t("versionHintUnknown")}
              </span>
            }
          >
            <Input placeholder={p?.version ?? "1.2.3"} data-testid="sdk-version" />
          </Form.Item>
        )}
        {p?.published && <Alert type="warning" showIcon title={t("alreadyPublished", { version: p.version })} />}
        {plan.error && <Alert type="error" showIcon title={handleServerError(form, plan.error)} />}
      </Form>
    </Modal>
  );
}
