"use client";

import { useFeedback } from "~/components/feedback";
import { useEffect, useMemo, useState } from "react";
import dynamic from "next/dynamic";
import { Alert, Button, Checkbox, Col, Empty, Form, Input, Progress, Radio, Row, Select, Space, Spin, Table, Tabs, Tooltip, Tree, Typography } from "antd";
import { Tag } from "~/components/tag";
import { Card } from "~/components/card";
import type { DataNode } from "antd/es/tree";
import { DownloadOutlined, ThunderboltOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";
import { clearErrorsOnChange, handleServerError, parseForm, schemaRule } from "~/components/form-errors";
import { Time, useFormatTime } from "~/components/time";
import type { ApiResourceItem } from "~/lib/validators/api";
import { SdkReleasePanel } from "./sdk-release";
import {
  CODEGEN_LANGUAGES,
  HISTORY_KINDS,
  commonSettingsFields,
  commonSettingsInput,
  gitSettingsFields,
  gitSettingsInput,
  npmSettingsFields,
  npmSettingsInput,
  type CodegenLanguageName,
  type GeneratorItem,
  type HistoryItem,
  type NpmSettingsItem,
} from "~/lib/validators/codegen";

const CodeView = dynamic(() => import("./code-view"), { ssr: false, loading: () => <Spin /> });

const useLoc = () => (useLocale() === "en" ? "en" : "zh-CN");
const LANGUAGE_NAMES: Record<string, string> = { typescript: "TypeScript", java: "Java", python: "Python", go: "Go" };

const formatSize = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** The SDKs of an API: generate and preview, release (npm, Git), the settings per language, and the history of previews and releases. */
export function SdksTab({ api }: { api: ApiResourceItem }) {
  const t = useTranslations("codegen");
  const canNpm = useCan("uc.codegen.npmoptions") !== false;
  const canGit = useCan("uc.codegen.githuboptions") !== false;
  const canCommon = useCan("uc.codegen.commonoptions") !== false;
  const canHistory = useCan("uc.apiresource.history") !== false;
  const canRelease = useCan("uc.codegen.releasesdk") !== false;
  const canSync = useCan("uc.codegen.gitsync") !== false;
  const [tab, setTab] = useState("preview");
  const [openRun, setOpenRun] = useState<string | null>(null);
  return (
    <Tabs
      activeKey={tab}
      onChange={setTab}
      tabPosition="top"
      size="small"
      items={[
        { key: "preview", label: t("previewTab"), children: <PreviewPane api={api} runId={openRun} onRun={setOpenRun} /> },
        ...(canRelease || canSync
          ? [
              {
                key: "release",
                label: t("releaseTab"),
                children: <SdkReleasePanel api={api} onSettings={(k) => setTab((k === "npm" ? canNpm : canGit) ? k : "release")} />,
              },
            ]
          : []),
        ...(canNpm ? [{ key: "npm", label: t("npmTab"), children: <NpmSettingsForm api={api} /> }] : []),
        ...(canGit ? [{ key: "git", label: t("gitTab"), children: <GitSettingsForm api={api} /> }] : []),
        ...(canCommon ? [{ key: "common", label: t("commonTab"), children: <CommonSettingsForm api={api} /> }] : []),
        ...(canHistory
          ? [
              {
                key: "history",
                label: t("historyTab"),
                children: (
                  <HistoryTable
                    api={api}
                    onOpen={(id) => {
                      setOpenRun(id);
                      setTab("preview");
                    }}
                  />
                ),
              },
            ]
          : []),
      ]}
    />
  );
}

function GeneratorChoice({ list, value, onChange }: { list: GeneratorItem[]; value: string | null; onChange: (id: string) => void }) {
  const t = useTranslations("codegen");
  return (
    <Radio.Group value={value} onChange={(e) => onChange(e.target.value as string)} style={{ display: "flex", flexWrap: "wrap", gap: 8 }}>
      {list.map((g) => {
        const why = g.unavailable === "noJava" ? t("unavailableNoJava") : g.unavailable ? t("unavailableMissingPackage") : null;
        const radio = (
          <Radio.Button key={g.id} value={g.id} disabled={!g.available} data-testid={`generator-${g.id}`} style={{ height: "auto", padding: "4px 12px" }}>
            <Space size={4}>
              {g.label}
              <Tag style={{ marginInlineEnd: 0 }}>{LANGUAGE_NAMES[g.language] ?? g.language}</Tag>
              {!g.available && <Tag color="default">{t("unavailable")}</Tag>}
            </Space>
          </Radio.Button>
        );
        return why ? (
          <Tooltip key={g.id} title={why}>
            <span data-testid={`generator-unavailable-${g.id}`} data-reason={why}>
              {radio}
            </span>
          </Tooltip>
        ) : (
          radio
        );
      })}
    </Radio.Group>
  );
}

function useRevisionOptions(apiId: string) {
  const t = useTranslations("codegen");
  const trpc = useTRPC();
  const canVersions = useCan("uc.apiresource.versions") !== false;
  const versions = useQuery({ ...trpc.apiPublish.versions.queryOptions({ id: apiId }), enabled: canVersions });
  return (versions.data ?? []).flatMap((v) =>
    v.revisions.map((r) => ({ value: r.id, label: t("revisionLabel", { version: v.name, number: r.number, online: r.online ? t("onlineMark") : "" }) })),
  );
}

function PreviewPane({ api, runId, onRun }: { api: ApiResourceItem; runId: string | null; onRun: (id: string) => void }) {
  const t = useTranslations("codegen");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const canPreview = useCan("uc.codegen.preview") !== false;
  const clients = useQuery(trpc.codegen.clients.queryOptions());
  const servers = useQuery(trpc.codegen.servers.queryOptions());
  const revisions = useRevisionOptions(api.id);
  const [generatorId, setGeneratorId] = useState<string | null>(null);
  const [revisionId, setRevisionId] = useState<string | undefined>(undefined);
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<HistoryItem | null>(null);
  const run = useMutation(
    trpc.codegen.preview.mutationOptions({
      onSuccess: (r) => {
        setDone(r);
        onRun(r.id);
        void message.success(t("generated", { count: r.fileCount ?? 0, seconds: ((r.durationMs ?? 0) / 1000).toFixed(1) }));
        void qc.invalidateQueries(trpc.codegen.history.pathFilter());
      },
      onError: (e) => {
        setError(handleServerError(null, e));
        void qc.invalidateQueries(trpc.codegen.history.pathFilter());
      },
    }),
  );
  useEffect(() => {
    if (!run.isPending) return;
    const started = Date.now();
    const timer = setInterval(() => setElapsed((Date.now() - started) / 1000), 200);
    return () => clearInterval(timer);
  }, [run.isPending]);
  // Without a figure from the child process, the bar approaches the end as seconds pass.
  const percent = Math.min(95, Math.round(100 * (1 - Math.exp(-elapsed / 3))));
  const firstAvailable = [...(clients.data ?? []), ...(servers.data ?? [])].find((g) => g.available)?.id ?? null;
  const chosen = generatorId ?? firstAvailable;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      {(clients.isError || servers.isError) && <Alert type="error" showIcon title={handleServerError(null, clients.error ?? servers.error)} />}
      <div>
        <Typography.Text strong>{t("clients")}</Typography.Text>
        <div style={{ marginTop: 8 }}>
          <GeneratorChoice list={clients.data ?? []} value={chosen} onChange={setGeneratorId} />
        </div>
      </div>
      <div>
        <Typography.Text strong>{t("servers")}</Typography.Text>
        <div style={{ marginTop: 8 }}>
          <GeneratorChoice list={servers.data ?? []} value={chosen} onChange={setGeneratorId} />
        </div>
      </div>
      <Space wrap>
        <Select
          style={{ minWidth: 320 }}
          value={revisionId ?? ""}
          onChange={(v) => setRevisionId(v || undefined)}
          options={[{ value: "", label: t("revisionDefault") }, ...revisions]}
          aria-label={t("revision")}
          data-testid="preview-revision"
        />
        {canPreview && (
          <Button
            type="primary"
            icon={<ThunderboltOutlined />}
            loading={run.isPending}
            disabled={!chosen}
            onClick={() => {
              setError(null);
              setElapsed(0);
              if (chosen) run.mutate({ id: api.id, generatorId: chosen, revisionId });
            }}
            data-testid="preview-generate"
          >
            {t("generate")}
          </Button>
        )}
      </Space>
      {run.isPending && (
        <div data-testid="preview-progress">
          <Progress percent={percent} status="active" />
          <Typography.Text type="secondary">{t("generating", { seconds: elapsed.toFixed(1) })}</Typography.Text>
        </div>
      )}
      {error && <Alert type="error" showIcon title={error} role="alert" data-testid="preview-error" />}
      {done && done.id === runId && !run.isPending && (
        <Typography.Text type="secondary" data-testid="preview-done">
          {t("generated", { count: done.fileCount ?? 0, seconds: ((done.durationMs ?? 0) / 1000).toFixed(1) })}
        </Typography.Text>
      )}
      {runId ? <PreviewBrowser runId={runId} /> : <Empty description={t("noPreview")}>{t("noPreviewHint")}</Empty>}
    </Space>
  );
}

type FileNode = DataNode & { children?: FileNode[] };

/** `a/b/c.ts` paths as a tree: folders first, each level sorted by name. */
function toTree(files: { path: string; size: number }[]): FileNode[] {
  const root: FileNode[] = [];
  const folders = new Map<string, FileNode>();
  for (const f of files) {
    const parts = f.path.split("/");
    let level = root;
    parts.forEach((part, i) => {
      const key = parts.slice(0, i + 1).join("/");
      if (i === parts.length - 1) {
        level.push({ key, title: part, isLeaf: true });
        return;
      }
      let folder = folders.get(key);
      if (!folder) {
        folder = { key: `dir:${key}`, title: part, children: [] };
        folders.set(key, folder);
        level.push(folder);
      }
      level = folder.children!;
    });
  }
  const sort = (nodes: FileNode[]) => {
    nodes.sort((a, b) => Number(!!a.isLeaf) - Number(!!b.isLeaf) || String(a.title).localeCompare(String(b.title)));
    nodes.forEach((n) => n.children && sort(n.children));
  };
  sort(root);
  return root;
}

function PreviewBrowser({ runId }: { runId: string }) {
  const t = useTranslations("codegen");
  const trpc = useTRPC();
  const tree = useQuery(trpc.codegen.previewTree.queryOptions({ id: runId }));
  const [picked, setPicked] = useState<string | null>(null);
  const files = tree.data?.files;
  const nodes = useMemo(() => toTree(files ?? []), [files]);
  const selected = picked && files?.some((f) => f.path === picked) ? picked : (tree.data?.entry ?? files?.[0]?.path ?? null);
  const file = useQuery({ ...trpc.codegen.previewFile.queryOptions({ id: runId, path: selected ?? "x" }), enabled: !!selected });
  if (tree.isLoading) return <Spin />;
  if (tree.isError) return <Alert type="error" showIcon title={handleServerError(null, tree.error)} />;
  return (
    <Row gutter={16}>
      <Col xs={24} md={8}>
        <Card
          size="small"
          title={`${t("files")} (${files?.length ?? 0})`}
          extra={
            <Button size="small" icon={<DownloadOutlined />} href={`/api/codegen/previews/${runId}/zip`} data-testid="preview-download">
              {t("download")}
            </Button>
          }
          styles={{ body: { maxHeight: 640, overflow: "auto", padding: 8 } }}
        >
          <Tree.DirectoryTree
            key={runId}
            treeData={nodes}
            selectedKeys={selected ? [selected] : []}
            defaultExpandAll={(files?.length ?? 0) <= 80}
            onSelect={(keys) => {
              const k = String(keys[0] ?? "");
              if (k && !k.startsWith("dir:")) setPicked(k);
            }}
            data-testid="preview-tree"
          />
        </Card>
      </Col>
      <Col xs={24} md={16}>
        <Card size="small" title={<Typography.Text code>{selected ?? "—"}</Typography.Text>}>
          {!selected ? (
            <Empty description={t("pickFile")} />
          ) : file.isLoading ? (
            <Spin />
          ) : file.isError ? (
            <Alert type="error" showIcon title={handleServerError(null, file.error)} />
          ) : file.data?.binary ? (
            <Alert type="info" showIcon title={t("binaryFile", { size: formatSize(file.data.size) })} />
          ) : file.data ? (
            <>
              {file.data.truncated && (
                <Alert type="warning" showIcon title={t("truncated", { size: formatSize(file.data.size) })} style={{ marginBottom: 8 }} />
              )}
              <CodeView path={file.data.path} content={file.data.content} />
            </>
          ) : null}
        </Card>
      </Col>
    </Row>
  );
}

function SavedNote({ saved, updatedAt }: { saved: boolean; updatedAt: Date | null }) {
  const t = useTranslations("codegen");
  const fmt = useFormatTime();
  return (
    <Typography.Paragraph type="secondary">
      {saved && updatedAt ? t("lastSaved", { when: fmt(updatedAt, "YYYY-MM-DD HH:mm") }) : t("neverSaved")}
    </Typography.Paragraph>
  );
}

type NpmValues = {
  packageName?: string;
  className?: string;
  version?: string;
  homepage?: string;
  author?: string;
  keywords?: string[];
  description?: string;
  license?: string;
  readme?: string;
  registryUrl?: string;
  token?: string;
  clearToken?: boolean;
};

function NpmSettingsForm({ api }: { api: ApiResourceItem }) {
  const locale = useLoc();
  const [language, setLanguage] = useState<CodegenLanguageName>("typescript");
  const trpc = useTRPC();
  const settings = useQuery(trpc.codegen.npmOptions.queryOptions({ id: api.id, language }));
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Radio.Group
        value={language}
        onChange={(e) => setLanguage(e.target.value as CodegenLanguageName)}
        optionType="button"
        options={CODEGEN_LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
        data-testid="npm-language"
      />
      {settings.isError && <Alert type="error" showIcon title={handleServerError(null, settings.error)} />}
      {settings.data && <NpmForm key={`${language}-${String(settings.data.updatedAt)}-${locale}`} api={api} language={language} data={settings.data} />}
    </Space>
  );
}

function NpmForm({ api, language, data }: { api: ApiResourceItem; language: CodegenLanguageName; data: NpmSettingsItem }) {
  const t = useTranslations("codegen");
  const locale = useLoc();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [form] = Form.useForm<NpmValues>();
  const [error, setError] = useState<string | null>(null);
  const canSave = useCan("uc.codegen.putnpmoptions") !== false;
  const save = useMutation(
    trpc.codegen.putNpmOptions.mutationOptions({
      onSuccess: () => {
        void message.success(t("saved"));
        void qc.invalidateQueries(trpc.codegen.npmOptions.pathFilter());
      },
      onError: (e) => setError(handleServerError(form, e)),
    }),
  );
  const f = npmSettingsFields.shape;
  const { hasToken: _h, saved: _s, updatedAt: _u, language: _l, ...initial } = data;
  return (
    <Form<NpmValues>
      form={form}
      layout="vertical"
      style={{ maxWidth: 720 }}
      disabled={!canSave || save.isPending}
      initialValues={{ ...initial, token: "", clearToken: false }}
      onValuesChange={clearErrorsOnChange(form)}
      onFinish={(v) => {
        setError(null);
        const parsed = parseForm(form, npmSettingsInput, { ...v, id: api.id, language }, locale, (m) => setError(m.join(" ")));
        if (parsed) save.mutate(parsed);
      }}
    >
      <SavedNote saved={data.saved} updatedAt={data.updatedAt} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="packageName" label={t("packageName")} extra={t("packageNameHint")} rules={[schemaRule(f.packageName, locale, { required: true })]}>
            <Input maxLength={214} data-testid="npm-packageName" />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="className" label={t("className")} rules={[schemaRule(f.className, locale, { required: true })]}>
            <Input maxLength={100} data-testid="npm-className" />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="version" label={t("version")} rules={[schemaRule(f.version, locale, { required: true })]}>
            <Input maxLength={64} data-testid="npm-version" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="homepage" label={t("homepage")} rules={[schemaRule(f.homepage, locale)]}>
            <Input maxLength={2000} placeholder="https://" />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="author" label={t("author")} rules={[schemaRule(f.author, locale)]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="license" label={t("license")} rules={[schemaRule(f.license, locale)]}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="keywords" label={t("keywords")} rules={[schemaRule(f.keywords, locale)]}>
        <Select mode="tags" tokenSeparators={[",", " "]} open={false} />
      </Form.Item>
      <Form.Item name="description" label={t("description")} rules={[schemaRule(f.description, locale)]}>
        <Input.TextArea rows={2} maxLength={1000} showCount />
      </Form.Item>
      <Form.Item name="readme" label={t("readme")} rules={[schemaRule(f.readme, locale)]}>
        <Input.TextArea rows={10} style={{ fontFamily: "monospace" }} data-testid="npm-readme" />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="registryUrl" label={t("registryUrl")} rules={[schemaRule(f.registryUrl, locale, { required: true })]}>
            <Input maxLength={2000} data-testid="npm-registryUrl" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="token" label={t("registryToken")} extra={data.hasToken ? t("tokenStored") : t("tokenNone")}>
            <Input.Password autoComplete="new-password" maxLength={4000} data-testid="npm-token" />
          </Form.Item>
          {data.hasToken && (
            <Form.Item name="clearToken" valuePropName="checked">
              <Checkbox>{t("clearToken")}</Checkbox>
            </Form.Item>
          )}
        </Col>
      </Row>
      {canSave && (
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="npm-save">
          {t("save")}
        </Button>
      )}
    </Form>
  );
}

type GitValues = {
  remoteUrl?: string;
  branch?: string;
  userName?: string;
  userEmail?: string;
  token?: string;
  clearToken?: boolean;
  syncLabels?: boolean;
  syncDocs?: boolean;
};

function GitSettingsForm({ api }: { api: ApiResourceItem }) {
  const t = useTranslations("codegen");
  const locale = useLoc();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [form] = Form.useForm<GitValues>();
  const [error, setError] = useState<string | null>(null);
  const canSave = useCan("uc.codegen.putgithuboptions") !== false;
  const settings = useQuery(trpc.codegen.gitOptions.queryOptions({ id: api.id }));
  const save = useMutation(
    trpc.codegen.putGitOptions.mutationOptions({
      onSuccess: () => {
        void message.success(t("saved"));
        void qc.invalidateQueries(trpc.codegen.gitOptions.pathFilter());
      },
      onError: (e) => setError(handleServerError(form, e)),
    }),
  );
  if (settings.isLoading) return <Spin />;
  if (settings.isError) return <Alert type="error" showIcon title={handleServerError(null, settings.error)} />;
  const data = settings.data!;
  const f = gitSettingsFields.shape;
  const { hasToken: _h, saved: _s, updatedAt: _u, ...initial } = data;
  return (
    <Form<GitValues>
      key={`${String(data.updatedAt)}-${locale}`}
      form={form}
      layout="vertical"
      style={{ maxWidth: 640 }}
      disabled={!canSave || save.isPending}
      initialValues={{ ...initial, token: "", clearToken: false }}
      onValuesChange={clearErrorsOnChange(form)}
      onFinish={(v) => {
        setError(null);
        const parsed = parseForm(form, gitSettingsInput, { ...v, id: api.id }, locale, (m) => setError(m.join(" ")));
        if (parsed) save.mutate(parsed);
      }}
    >
      <SavedNote saved={data.saved} updatedAt={data.updatedAt} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form.Item name="remoteUrl" label={t("remoteUrl")} extra={t("remoteUrlHint")} rules={[schemaRule(f.remoteUrl, locale)]}>
        <Input maxLength={2000} placeholder="https://" data-testid="git-remoteUrl" />
      </Form.Item>
      <Form.Item name="branch" label={t("branch")} rules={[schemaRule(f.branch, locale, { required: true })]}>
        <Input maxLength={200} data-testid="git-branch" />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="userName" label={t("userName")} rules={[schemaRule(f.userName, locale)]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="userEmail" label={t("userEmail")} rules={[schemaRule(f.userEmail, locale)]}>
            <Input maxLength={200} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="token" label={t("token")} extra={data.hasToken ? t("tokenStored") : t("tokenNone")}>
        <Input.Password autoComplete="new-password" maxLength={4000} data-testid="git-token" />
      </Form.Item>
      {data.hasToken && (
        <Form.Item name="clearToken" valuePropName="checked">
          <Checkbox>{t("clearToken")}</Checkbox>
        </Form.Item>
      )}
      <Form.Item name="syncLabels" valuePropName="checked" style={{ marginBottom: 8 }}>
        <Checkbox>{t("syncLabels")}</Checkbox>
      </Form.Item>
      <Form.Item name="syncDocs" valuePropName="checked">
        <Checkbox>{t("syncDocs")}</Checkbox>
      </Form.Item>
      {canSave && (
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="git-save">
          {t("save")}
        </Button>
      )}
    </Form>
  );
}

type CommonValues = { revisionId?: string; baseUrl?: string };

function CommonSettingsForm({ api }: { api: ApiResourceItem }) {
  const t = useTranslations("codegen");
  const locale = useLoc();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [form] = Form.useForm<CommonValues>();
  const [error, setError] = useState<string | null>(null);
  const canSave = useCan("uc.codegen.putcommonoptions") !== false;
  const settings = useQuery(trpc.codegen.commonOptions.queryOptions({ id: api.id }));
  const revisions = useRevisionOptions(api.id);
  const save = useMutation(
    trpc.codegen.putCommonOptions.mutationOptions({
      onSuccess: () => {
        void message.success(t("saved"));
        void qc.invalidateQueries(trpc.codegen.commonOptions.pathFilter());
      },
      onError: (e) => setError(handleServerError(form, e)),
    }),
  );
  if (settings.isLoading) return <Spin />;
  if (settings.isError) return <Alert type="error" showIcon title={handleServerError(null, settings.error)} />;
  const data = settings.data!;
  return (
    <Form<CommonValues>
      key={`${String(data.updatedAt)}-${locale}`}
      form={form}
      layout="vertical"
      style={{ maxWidth: 640 }}
      disabled={!canSave || save.isPending}
      initialValues={{ revisionId: data.revisionId ?? "", baseUrl: data.baseUrl }}
      onValuesChange={clearErrorsOnChange(form)}
      onFinish={(v) => {
        setError(null);
        const parsed = parseForm(form, commonSettingsInput, { id: api.id, revisionId: v.revisionId || null, baseUrl: v.baseUrl ?? "" }, locale, (m) =>
          setError(m.join(" ")),
        );
        if (parsed) save.mutate(parsed);
      }}
    >
      <SavedNote saved={data.saved} updatedAt={data.updatedAt} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form.Item name="revisionId" label={t("revision")}>
        <Select options={[{ value: "", label: t("revisionOnline") }, ...revisions]} data-testid="common-revision" />
      </Form.Item>
      <Form.Item name="baseUrl" label={t("baseUrl")} extra={t("baseUrlHint")} rules={[schemaRule(commonSettingsFields.shape.baseUrl, locale)]}>
        <Input maxLength={2000} placeholder="https://" data-testid="common-baseUrl" />
      </Form.Item>
      {canSave && (
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="common-save">
          {t("save")}
        </Button>
      )}
    </Form>
  );
}

const STATUS_COLORS: Record<HistoryItem["status"], string> = { running: "processing", succeeded: "success", failed: "error", cancelled: "default" };

function HistoryLog({ id }: { id: string }) {
  const t = useTranslations("codegen");
  const trpc = useTRPC();
  const detail = useQuery(trpc.codegen.historyDetail.queryOptions({ id }));
  if (detail.isLoading) return <Spin />;
  if (detail.isError) return <Alert type="error" showIcon title={handleServerError(null, detail.error)} />;
  return (
    <div>
      <Typography.Text strong>{t("log")}</Typography.Text>
      <pre style={{ maxHeight: 320, overflow: "auto", fontSize: 12, background: "#fafafa", padding: 8, margin: 0 }} data-testid="history-log">
        {detail.data?.log || t("emptyLog")}
      </pre>
    </div>
  );
}

function HistoryTable({ api, onOpen }: { api: ApiResourceItem; onOpen: (id: string) => void }) {
  const t = useTranslations("codegen");
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const [kind, setKind] = useState<(typeof HISTORY_KINDS)[number] | undefined>(undefined);
  const take = 10;
  const list = useQuery(trpc.codegen.history.queryOptions({ id: api.id, kind, skip: (page - 1) * take, take }));
  const kindName = (k: HistoryItem["kind"]) => t(k === "preview" ? "kindPreview" : k === "release" ? "kindRelease" : "kindGitsync");
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Select
        style={{ width: 200 }}
        value={kind ?? ""}
        onChange={(v) => {
          setKind((v || undefined) as typeof kind);
          setPage(1);
        }}
        options={[{ value: "", label: t("allKinds") }, ...HISTORY_KINDS.map((k) => ({ value: k, label: kindName(k) }))]}
        aria-label={t("historyKind")}
      />
      {list.isError && <Alert type="error" showIcon title={handleServerError(null, list.error)} />}
      <Table<HistoryItem>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        data-testid="codegen-history"
        locale={{ emptyText: <Empty description={t("noHistory")} /> }}
        pagination={{ current: page, pageSize: take, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        expandable={{ expandedRowRender: (r) => <HistoryLog id={r.id} /> }}
        scroll={{ x: 1000 }}
        columns={[
          { title: t("when"), dataIndex: "createdAt", width: 150, render: (v: Date) => <Time value={v} format="YYYY-MM-DD HH:mm:ss" /> },
          { title: t("historyKind"), dataIndex: "kind", width: 90, render: (k: HistoryItem["kind"]) => <Tag>{kindName(k)}</Tag> },
          { title: t("who"), dataIndex: "actorName", width: 120, render: (v: string | null) => v ?? "—" },
          {
            title: t("revision"),
            key: "revision",
            width: 110,
            render: (_, r) => (r.revisionNumber ? `${r.versionName ?? ""} · #${r.revisionNumber}` : "—"),
          },
          { title: t("generator"), dataIndex: "generatorId", width: 150, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: t("version"), dataIndex: "version", width: 90, render: (v: string | null) => v ?? "—" },
          { title: t("registry"), dataIndex: "registry", width: 160, ellipsis: true, render: (v: string | null) => v ?? "—" },
          {
            title: t("gitCommit"),
            dataIndex: "gitCommit",
            width: 100,
            render: (v: string | null) => (v ? <Typography.Text code>{v.slice(0, 8)}</Typography.Text> : "—"),
          },
          {
            title: t("status"),
            dataIndex: "status",
            width: 100,
            render: (s: HistoryItem["status"], r) => (
              <Tooltip title={r.error ?? undefined}>
                <Tag color={STATUS_COLORS[s]}>{t(`status_${s}`)}</Tag>
              </Tooltip>
            ),
          },
          { title: t("duration"), dataIndex: "durationMs", width: 90, render: (v: number | null) => (v === null ? "—" : `${(v / 1000).toFixed(1)} s`) },
          { title: t("fileCount"), dataIndex: "fileCount", width: 70, render: (v: number | null) => v ?? "—" },
          {
            title: "",
            key: "open",
            width: 80,
            fixed: "right",
            render: (_, r) =>
              r.kind !== "preview" || r.status !== "succeeded" ? null : r.previewExpired ? (
                <Tooltip title={t("expiredHint")}>
                  <Tag data-testid={`history-expired-${r.id}`}>{t("expired")}</Tag>
                </Tooltip>
              ) : (
                <Button size="small" type="link" onClick={() => onOpen(r.id)} data-testid={`history-open-${r.id}`}>
                  {t("open")}
                </Button>
              ),
          },
        ]}
      />
    </Space>
  );
}
