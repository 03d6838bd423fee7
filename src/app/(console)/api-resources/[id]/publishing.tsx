"use client";

import { useFeedback } from "~/components/feedback";
import { useCallback, useRef, useState } from "react";
import { Alert, Button, Checkbox, Drawer, Empty, Form, Input, List, Modal, Radio, Select, Space, Switch, Table, Typography } from "antd";
import { Tag } from "~/components/tag";
import { CloudUploadOutlined, FileSearchOutlined, PlusOutlined } from "@ant-design/icons";
import Link from "~/components/app-link";
import { TRPCClientError } from "@trpc/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useTRPC } from "~/trpc/react";
import { useCan } from "~/components/console-permissions";
import { FormDrawer, useDrawerSave } from "~/components/form-drawer";
import { clearErrorsOnChange, handleServerError, parseForm, schemaRule, showFieldErrors } from "~/components/form-errors";
import { JobProgress } from "~/components/job-progress";
import type { JobProgress as JobProgressData } from "~/lib/validators/job";
import { DeleteAction } from "~/components/list-page";
import { Time, useFormatTime } from "~/components/time";
import {
  MAX_API_DOCUMENT_BYTES,
  VERSION_SCHEMES,
  apiVersionCreateInput,
  gatewaySuffix,
  publishConfigInput,
  releaseNotes,
  releaseUpdateInput,
  revisionImportInput,
  revisionImportJobResult,
  revisionOnlineInput,
  versionName,
  type Changelog,
  type RevisionImportJobResult,
  type RevisionItem,
  type VersionItem,
} from "~/lib/validators/api-publish";
import type { ApiResourceItem } from "~/lib/validators/api";
import { AuthServersDrawer, authServerLabel, useAuthServers } from "./auth-servers";

const useLoc = () => (useLocale() === "en" ? "en" : "zh-CN");

/** The next version's name after `name` ("v1" → "v2"), for the advice on breaking changes. */
const nextVersion = (name: string) => {
  const m = /^(.*?)(\d+)$/.exec(name);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${name}-2`;
};

// --- Versions and revisions ------------------------------------------------------------------

export function VersionsTab({ api }: { api: ApiResourceItem }) {
  const t = useTranslations("apiPublish");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const versions = useQuery(trpc.apiPublish.versions.queryOptions({ id: api.id }));
  const [picked, setPicked] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [changelogOf, setChangelogOf] = useState<RevisionItem | null>(null);
  const [onlineOf, setOnlineOf] = useState<RevisionItem | null>(null);
  const canCreate = useCan("uc.apiresource.publishversion") !== false;
  const canImport = useCan("uc.apiresource.publishrevision") !== false;
  const canOnline = useCan("uc.apiresource.setonlineversion") !== false;
  const list = versions.data ?? [];
  const version = list.find((v) => v.id === picked) ?? list[list.length - 1];
  const refresh = () => qc.invalidateQueries(trpc.apiPublish.pathFilter());

  const toolbar = (
    <Space wrap>
      {list.length > 0 && (
        <Select
          aria-label={t("version")}
          data-testid="version-select"
          style={{ minWidth: 160 }}
          value={version?.id}
          onChange={setPicked}
          options={list.map((v) => ({ value: v.id, label: v.onlineRevisionId ? `${v.name} · ${t("online")}` : v.name }))}
        />
      )}
      {canCreate && (
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="version-new">
          {t("newVersion")}
        </Button>
      )}
      {canImport && version && (
        <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => setImporting(true)} data-testid="revision-import">
          {t("importRevision")}
        </Button>
      )}
    </Space>
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      {versions.isError && <Alert type="error" showIcon title={handleServerError(null, versions.error)} />}
      {toolbar}
      {!versions.isLoading && !list.length ? (
        <Empty description={t("noVersions")} data-testid="versions-empty">
          <Typography.Text type="secondary">{t("noVersionsHint")}</Typography.Text>
        </Empty>
      ) : (
        version && (
          <Table<RevisionItem>
            rowKey="id"
            size="small"
            loading={versions.isLoading}
            pagination={version.revisions.length > 20 ? { pageSize: 20 } : false}
            dataSource={version.revisions}
            scroll={{ x: 1000 }}
            locale={{ emptyText: <Empty description={t("noRevisions")}>{t("noRevisionsHint")}</Empty> }}
            columns={[
              {
                title: t("revision"),
                key: "number",
                width: 130,
                render: (_, r) => (
                  <Space size={4} wrap>
                    <Typography.Text strong>#{r.number}</Typography.Text>
                    {r.online && <Tag color="green">{t("online")}</Tag>}
                    {r.current && <Tag>{t("current")}</Tag>}
                  </Space>
                ),
              },
              {
                title: t("title"),
                key: "title",
                render: (_, r) => (
                  <Space orientation="vertical" size={0}>
                    <Typography.Text>{r.title || "—"}</Typography.Text>
                    {r.note && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {r.note}
                      </Typography.Text>
                    )}
                  </Space>
                ),
              },
              {
                title: t("format"),
                key: "format",
                width: 170,
                render: (_, r) => <span style={{ whiteSpace: "nowrap" }}>{`${r.sourceFormat} · ${r.sourceSyntax.toUpperCase()}`}</span>,
              },
              { title: t("operations"), dataIndex: "operationCount", width: 110, align: "right" },
              {
                title: t("changelog"),
                key: "changes",
                width: 130,
                render: (_, r) =>
                  r.comparedToId ? (
                    <Button size="small" type="link" onClick={() => setChangelogOf(r)} data-testid={`changelog-${r.number}`}>
                      {r.breaking ? <Tag color="red">{t("breaking")}</Tag> : t("changelog")}
                    </Button>
                  ) : (
                    "—"
                  ),
              },
              { title: t("importedAt"), key: "createdAt", width: 150, render: (_, r) => <Time value={r.createdAt} /> },
              {
                title: "",
                key: "actions",
                fixed: "right",
                width: 190,
                render: (_, r) => (
                  <Space size={0}>
                    <Link href={`/api-resources/${api.id}/revisions/${r.id}`} data-testid={`preview-${r.number}`}>
                      <Button size="small" type="link" icon={<FileSearchOutlined />}>
                        {t("preview")}
                      </Button>
                    </Link>
                    {canOnline && !r.online && (
                      <Button size="small" type="link" onClick={() => setOnlineOf(r)} data-testid={`online-${r.number}`}>
                        {t("putOnline")}
                      </Button>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        )
      )}
      <VersionDrawer apiId={api.id} open={creating} onClose={() => setCreating(false)} onSaved={(v) => (setPicked(v.id), refresh())} />
      {version && (
        <ImportDrawer apiId={api.id} versions={list} initialVersion={version.id} open={importing} onClose={() => setImporting(false)} onSaved={refresh} />
      )}
      <ChangelogDrawer revision={changelogOf} onClose={() => setChangelogOf(null)} />
      {version && onlineOf && <OnlineModal revision={onlineOf} version={version} onClose={() => setOnlineOf(null)} onDone={refresh} />}
    </Space>
  );
}

type VersionValues = { name?: string; scheme?: (typeof VERSION_SCHEMES)[number] };

function VersionDrawer({ apiId, open, onClose, onSaved }: { apiId: string; open: boolean; onClose: () => void; onSaved: (v: VersionItem) => void }) {
  const t = useTranslations("apiPublish");
  const locale = useLoc();
  const trpc = useTRPC();
  const { message } = useFeedback();
  const [form] = Form.useForm<VersionValues>();
  const save = useDrawerSave(form, () => undefined, onClose);
  const create = useMutation(
    trpc.apiPublish.createVersion.mutationOptions({
      onSuccess: (v) => {
        void message.success(t("versionCreated", { name: v.name }));
        onSaved(v);
        onClose();
      },
      onError: save.fail,
    }),
  );
  return (
    <FormDrawer<VersionValues>
      open={open}
      title={t("newVersion")}
      size={440}
      onClose={onClose}
      saveTestId="version-save"
      form={form}
      saving={create.isPending}
      error={save.error}
      onFinish={(v) => save.submit(apiVersionCreateInput, { id: apiId, name: v.name ?? "", scheme: v.scheme }, create.mutate)}
      initialValues={{ scheme: "path" }}
    >
      <Form.Item name="name" label={t("versionName")} extra={t("versionNameHelp")} rules={[schemaRule(versionName, locale, { required: true })]}>
        <Input maxLength={32} showCount autoFocus placeholder="v1" data-testid="version-name" />
      </Form.Item>
      <Form.Item name="scheme" label={t("scheme")}>
        <Radio.Group
          options={VERSION_SCHEMES.map((s) => ({ value: s, label: t(`schemes.${s}`) }))}
          style={{ display: "flex", flexDirection: "column", gap: 8 }}
        />
      </Form.Item>
    </FormDrawer>
  );
}

type ImportValues = { versionId?: string; note?: string; kind?: "file" | "url" | "text"; source?: { url?: string; text?: string } };

/** The reasons the server gave for refusing a document (`fields.source`), one per line. */
const documentProblems = (e: unknown): string[] =>
  e instanceof TRPCClientError ? (((e.data as { fields?: Record<string, string[]> } | undefined)?.fields?.source as string[] | undefined) ?? []) : [];

function ImportDrawer({
  apiId,
  versions,
  initialVersion,
  open,
  onClose,
  onSaved,
}: {
  apiId: string;
  versions: VersionItem[];
  initialVersion: string;
  open: boolean;
  onClose: () => void;
  onSaved: () => unknown;
}) {
  const t = useTranslations("apiPublish");
  const c = useTranslations("common");
  const locale = useLoc();
  const trpc = useTRPC();
  const { message } = useFeedback();
  const [form] = Form.useForm<ImportValues>();
  const [fileName, setFileName] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  // An import by URL is a job: its progress shows here, then the revision it made or why it failed.
  const [jobId, setJobId] = useState<string | null>(null);
  const [jobEnded, setJobEnded] = useState(false);
  const [made, setMade] = useState<NonNullable<RevisionImportJobResult["revision"]> | null>(null);
  const kind = Form.useWatch("kind", form) ?? "file";
  const pickedVersion = Form.useWatch("versionId", form) ?? initialVersion;
  const jobRunning = !!jobId && !jobEnded;
  const close = () => {
    setFileName(null);
    setProblems([]);
    setError(null);
    setJobId(null);
    setMade(null);
    onClose();
  };
  const run = useMutation(
    trpc.apiPublish.importRevision.mutationOptions({
      onSuccess: (r) => {
        if ("jobId" in r) {
          setJobEnded(false);
          setJobId(r.jobId);
          return;
        }
        void message.success(t("imported", { n: r.number }));
        void onSaved();
        close();
      },
      onError: (e) => {
        setProblems(documentProblems(e));
        setError(handleServerError(form, e));
      },
    }),
  );
  const onJobEnded = useCallback(
    (job: JobProgressData) => {
      setJobEnded(true);
      const result = revisionImportJobResult.safeParse(job.result);
      const r = result.success ? result.data : null;
      if (job.status === "done" && r?.revision) {
        setMade(r.revision);
        void message.success(t("imported", { n: r.revision.number }));
        void onSaved();
      } else if (job.status === "failed" && r?.failure) {
        const said = r.failure[locale];
        showFieldErrors(form, said.fields);
        setProblems(said.fields.source ?? []);
        setError(said.description);
      }
    },
    [form, locale, message, onSaved, t],
  );
  function submit(values: ImportValues) {
    setError(null);
    setProblems([]);
    setJobId(null);
    setMade(null);
    const source =
      values.kind === "url"
        ? { kind: "url" as const, url: values.source?.url ?? "" }
        : { kind: "text" as const, text: values.source?.text ?? "", fileName: values.kind === "file" ? fileName : null };
    const parsed = parseForm(form, revisionImportInput, { id: apiId, versionId: values.versionId, note: values.note, source }, locale, (m) =>
      setError(m.join(" ")),
    );
    if (parsed) run.mutate(parsed);
  }
  const versionLabel = versions.find((x) => x.id === pickedVersion)?.name ?? "";
  return (
    <Drawer
      open={open}
      title={t("importTitle", { version: versionLabel })}
      size={640}
      onClose={close}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={close}>{c("cancel")}</Button>
          <Button type="primary" loading={run.isPending || jobRunning} onClick={() => form.submit()} data-testid="revision-import-save">
            {t("importRevision")}
          </Button>
        </Space>
      }
    >
      <Form<ImportValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        onValuesChange={clearErrorsOnChange(form)}
        disabled={run.isPending || jobRunning}
        initialValues={{ versionId: initialVersion, kind: "file" }}
      >
        {jobId && (
          <div style={{ marginBottom: 16 }} data-testid="import-job">
            <JobProgress key={jobId} jobId={jobId} onEnded={onJobEnded} />
          </div>
        )}
        {made && (
          <Alert
            type="success"
            showIcon
            style={{ marginBottom: 16 }}
            data-testid="import-done"
            title={t("imported", { n: made.number })}
            description={
              <Space wrap>
                <Typography.Text>{made.title}</Typography.Text>
                <Typography.Text type="secondary">{t("operationCount", { n: made.operationCount })}</Typography.Text>
                {made.breaking && <Tag color="red">{t("breaking")}</Tag>}
              </Space>
            }
          />
        )}
        {error && (
          <Alert
            type="error"
            showIcon
            role="alert"
            style={{ marginBottom: 16 }}
            title={error}
            description={
              problems.length > 0 && (
                <List
                  size="small"
                  dataSource={problems}
                  data-testid="document-problems"
                  renderItem={(p) => <List.Item style={{ padding: "2px 0" }}>{p}</List.Item>}
                />
              )
            }
          />
        )}
        <Form.Item name="versionId" label={t("version")}>
          <Select options={versions.map((x) => ({ value: x.id, label: x.name }))} data-testid="import-version" />
        </Form.Item>
        <Form.Item name="kind" label={t("sourceKind")}>
          <Radio.Group
            optionType="button"
            data-testid="import-kind"
            options={(["file", "url", "text"] as const).map((k) => ({ value: k, label: t(`sourceKinds.${k}`) }))}
          />
        </Form.Item>
        {kind === "file" && (
          <Form.Item name={["source", "text"]} label={t("file")} extra={t("fileHelp")}>
            <FilePick fileName={fileName} onName={setFileName} label={t("chooseFile")} />
          </Form.Item>
        )}
        {kind === "url" && (
          <Form.Item name={["source", "url"]} label={t("url")} extra={t("urlHelp")}>
            <Input placeholder="https://api.example.com/openapi.yaml" maxLength={2000} data-testid="import-url" />
          </Form.Item>
        )}
        {kind === "text" && (
          <Form.Item name={["source", "text"]} label={t("text")} extra={t("fileHelp")}>
            <Input.TextArea rows={14} style={{ fontFamily: "ui-monospace, Menlo, Consolas, monospace" }} data-testid="import-text" />
          </Form.Item>
        )}
        <Form.Item name="note" label={t("note")}>
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/**
 * A file chosen from disk, read as text in the browser (the form's value); a file over 10 MB is
 * not read at all, and the field says so.
 */
function FilePick({
  value,
  onChange,
  fileName,
  onName,
  label,
}: {
  value?: string;
  onChange?: (text: string) => void;
  fileName: string | null;
  onName: (n: string | null) => void;
  label: string;
}) {
  const v = useTranslations("validation");
  const input = useRef<HTMLInputElement>(null);
  const [tooLarge, setTooLarge] = useState(false);
  async function pick(f: File | undefined) {
    if (!f) return;
    setTooLarge(f.size > MAX_API_DOCUMENT_BYTES);
    if (f.size > MAX_API_DOCUMENT_BYTES) {
      onName(null);
      onChange?.("");
      return;
    }
    onName(f.name);
    onChange?.(await f.text());
  }
  return (
    <Space wrap>
      <input
        ref={input}
        type="file"
        accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
        style={{ display: "none" }}
        data-testid="import-file"
        onChange={(e) => void pick(e.target.files?.[0])}
      />
      <Button onClick={() => input.current?.click()}>{label}</Button>
      {fileName && value && <Typography.Text code>{fileName}</Typography.Text>}
      {tooLarge && <Typography.Text type="danger">{v("documentTooLarge")}</Typography.Text>}
    </Space>
  );
}

function ChangelogDrawer({ revision, onClose }: { revision: RevisionItem | null; onClose: () => void }) {
  const t = useTranslations("apiPublish");
  const trpc = useTRPC();
  const detail = useQuery({ ...trpc.apiPublish.revision.queryOptions({ id: revision?.id ?? "" }), enabled: !!revision });
  return (
    <Drawer open={!!revision} onClose={onClose} size={720} title={revision && t("changelogTitle", { n: revision.number })} destroyOnHidden>
      {detail.isError && <Alert type="error" showIcon title={handleServerError(null, detail.error)} />}
      {detail.data && <ChangeList changes={detail.data.changes} />}
    </Drawer>
  );
}

const KIND_COLOR = { added: "green", removed: "red", changed: "blue" } as const;

/** Added, changed and removed operations, breaking ones marked. */
export function ChangeList({ changes }: { changes: Changelog | null }) {
  const t = useTranslations("apiPublish");
  if (!changes) return <Alert type="info" showIcon title={t("noComparison")} />;
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {changes.breaking && <Alert type="warning" showIcon title={t("breakingSummary")} data-testid="breaking-summary" />}
      {changes.operations.length === 0 && <Typography.Text type="secondary">{t("noChanges")}</Typography.Text>}
      <List
        size="small"
        dataSource={changes.operations}
        data-testid="changelog"
        renderItem={(o) => (
          <List.Item>
            <Space orientation="vertical" size={2} style={{ width: "100%" }}>
              <Space wrap>
                <Tag color={KIND_COLOR[o.kind]}>{t(`kinds.${o.kind}`)}</Tag>
                <Typography.Text code>{o.method}</Typography.Text>
                <Typography.Text style={{ wordBreak: "break-all" }}>{o.path}</Typography.Text>
                {o.breaking && <Tag color="red">{t("breaking")}</Tag>}
              </Space>
              {o.details.map((d, i) => (
                <Typography.Text key={i} type={d.breaking ? "danger" : "secondary"} style={{ fontSize: 12, paddingLeft: 8 }}>
                  {d.text}
                </Typography.Text>
              ))}
            </Space>
          </List.Item>
        )}
      />
      {changes.other > 0 && <Typography.Text type="secondary">{t("otherChanges", { n: changes.other })}</Typography.Text>}
    </Space>
  );
}

function OnlineModal({ revision, version, onClose, onDone }: { revision: RevisionItem; version: VersionItem; onClose: () => void; onDone: () => unknown }) {
  const t = useTranslations("apiPublish");
  const c = useTranslations("common");
  const locale = useLoc();
  const trpc = useTRPC();
  const { message } = useFeedback();
  const [form] = Form.useForm<{ notes?: string }>();
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Breaking against the online revision: as imported, or as the server says now (300011).
  const [breaking, setBreaking] = useState(revision.breaking && revision.comparedToId === version.onlineRevisionId);
  const run = useMutation(
    trpc.apiPublish.setOnline.mutationOptions({
      onSuccess: () => {
        void message.success(t("isOnline", { n: revision.number, version: version.name }));
        void onDone();
        onClose();
      },
      onError: (e) => {
        if (e instanceof TRPCClientError && (e.data as { appCode?: number } | undefined)?.appCode === 300011) setBreaking(true);
        setError(handleServerError(form, e));
      },
    }),
  );
  return (
    <Modal
      open
      title={t("putOnlineTitle", { n: revision.number, version: version.name })}
      onCancel={onClose}
      okText={t("putOnline")}
      cancelText={c("cancel")}
      okButtonProps={{ disabled: breaking && !confirmed, loading: run.isPending, ...({ "data-testid": "online-confirm" } as Record<string, string>) }}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => {
          setError(null);
          const parsed = parseForm(form, revisionOnlineInput, { id: revision.id, notes: v.notes ?? "", confirmBreaking: confirmed }, locale);
          if (parsed) run.mutate(parsed);
        }}
      >
        {error && !breaking && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        {breaking && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="online-breaking"
            title={t("breakingSummary")}
            description={
              <Space orientation="vertical">
                {t("breakingAdvice", { version: version.name, next: nextVersion(version.name) })}
                <Checkbox checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="online-breaking-confirm">
                  {t("breakingConfirm", { version: version.name })}
                </Checkbox>
              </Space>
            }
          />
        )}
        <Form.Item name="notes" label={t("releaseNotes")} extra={t("releaseNotesHelp")} rules={[schemaRule(releaseNotes, locale)]}>
          <Input.TextArea rows={5} maxLength={5000} showCount data-testid="online-notes" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

// --- Release notes ---------------------------------------------------------------------------

export function ReleasesTab({ api }: { api: ApiResourceItem }) {
  const t = useTranslations("apiPublish");
  const c = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<{ id: string; notes: string } | null>(null);
  const releases = useQuery(trpc.apiPublish.releases.queryOptions({ id: api.id, skip: (page - 1) * 20, take: 20 }));
  const canEdit = useCan("uc.apiresource.putrelease") !== false;
  const canDelete = useCan("uc.apiresource.deleterelease") !== false;
  const refresh = () => qc.invalidateQueries(trpc.apiPublish.releases.pathFilter());
  const del = useMutation(
    trpc.apiPublish.deleteRelease.mutationOptions({
      onSuccess: () => (void message.success(c("deleted")), refresh()),
      onError: (e) => void message.error(handleServerError(null, e)),
    }),
  );
  return (
    <>
      {releases.isError && <Alert type="error" showIcon title={handleServerError(null, releases.error)} />}
      <Table
        rowKey="id"
        size="small"
        loading={releases.isLoading}
        dataSource={releases.data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: releases.data?.total ?? 0, onChange: setPage, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t("noReleases")}>{t("noReleasesHint")}</Empty> }}
        scroll={{ x: 700 }}
        columns={[
          { title: t("version"), dataIndex: "versionName", width: 110 },
          { title: t("revision"), key: "rev", width: 100, render: (_, r) => `#${r.revisionNumber}` },
          {
            title: t("releaseNotes"),
            dataIndex: "notes",
            render: (v: string) => (v ? <Typography.Paragraph style={{ whiteSpace: "pre-wrap", margin: 0 }}>{v}</Typography.Paragraph> : "—"),
          },
          { title: t("releasedAt"), key: "createdAt", width: 150, render: (_, r) => <Time value={r.createdAt} /> },
          {
            title: "",
            key: "actions",
            width: 150,
            fixed: "right",
            render: (_, r) => (
              <Space size={0}>
                {canEdit && (
                  <Button size="small" type="link" onClick={() => setEditing({ id: r.id, notes: r.notes })} data-testid={`release-edit-${r.revisionNumber}`}>
                    {c("edit")}
                  </Button>
                )}
                {canDelete && <DeleteAction title={t("deleteNotesConfirm")} onConfirm={() => del.mutateAsync({ id: r.id })} />}
              </Space>
            ),
          },
        ]}
      />
      <ReleaseDrawer release={editing} onClose={() => setEditing(null)} onSaved={refresh} />
    </>
  );
}

function ReleaseDrawer({ release, onClose, onSaved }: { release: { id: string; notes: string } | null; onClose: () => void; onSaved: () => unknown }) {
  const t = useTranslations("apiPublish");
  const locale = useLoc();
  const trpc = useTRPC();
  const [form] = Form.useForm<{ notes?: string }>();
  const save = useDrawerSave(form, onSaved, onClose);
  const update = useMutation(trpc.apiPublish.updateRelease.mutationOptions(save.mutation));
  return (
    <FormDrawer<{ notes?: string }>
      key={release?.id ?? "closed"}
      open={!!release}
      title={t("editNotes")}
      size={560}
      onClose={onClose}
      saveTestId="release-save"
      form={form}
      saving={update.isPending}
      error={save.error}
      onFinish={(v) => save.submit(releaseUpdateInput, { id: release?.id, notes: v.notes ?? "" }, update.mutate)}
      initialValues={{ notes: release?.notes }}
    >
      <Form.Item name="notes" label={t("releaseNotes")} rules={[schemaRule(releaseNotes, locale, { required: true })]}>
        <Input.TextArea rows={8} maxLength={5000} showCount data-testid="release-notes" />
      </Form.Item>
    </FormDrawer>
  );
}

// --- Publish configuration -------------------------------------------------------------------

type ConfigValues = { suffix?: string; authServer?: string; scopes?: string[]; openId?: boolean; backendUrl?: string };

export function PublishTab({ api }: { api: ApiResourceItem }) {
  const t = useTranslations("apiPublish");
  const c = useTranslations("common");
  const locale = useLoc();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = useFeedback();
  const [form] = Form.useForm<ConfigValues>();
  const [error, setError] = useState<string | null>(null);
  const config = useQuery(trpc.apiPublish.publishConfig.queryOptions({ id: api.id }));
  const canSave = useCan("uc.apiresource.publish") !== false;
  const servers = useAuthServers(api);
  const [managing, setManaging] = useState(false);
  const canManageServers = useCan("uc.apiresource.authservers") !== false;
  const fmt = useFormatTime();
  const save = useMutation(
    trpc.apiPublish.savePublishConfig.mutationOptions({
      onSuccess: () => {
        void message.success(t("configSaved"));
        void qc.invalidateQueries(trpc.apiPublish.publishConfig.pathFilter());
      },
      onError: (e) => setError(handleServerError(form, e)),
    }),
  );
  if (config.isLoading) return null;
  if (config.isError) return <Alert type="error" showIcon title={handleServerError(null, config.error)} />;
  const saved = config.data;
  return (
    <>
      <Form<ConfigValues>
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        disabled={!canSave || save.isPending}
        onValuesChange={clearErrorsOnChange(form)}
        initialValues={
          saved
            ? {
                ...saved,
                backendUrl: saved.backendUrl ?? undefined,
              }
            : { authServer: "self", scopes: [], openId: false }
        }
        onFinish={(v) => {
          setError(null);
          const parsed = parseForm(
            form,
            publishConfigInput,
            {
              id: api.id,
              suffix: v.suffix ?? "",
              authServer: v.authServer ?? "self",
              scopes: v.scopes ?? [],
              openId: !!v.openId,
              backendUrl: v.backendUrl || null,
            },
            locale,
            (m) => setError(m.join(" ")),
          );
          if (parsed) save.mutate(parsed);
        }}
      >
        <Typography.Paragraph type="secondary">
          {saved ? t("lastSaved", { when: fmt(saved.updatedAt, "YYYY-MM-DD HH:mm") }) : t("neverSaved")}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form.Item name="suffix" label={t("suffix")} extra={t("suffixHelp")} rules={[schemaRule(gatewaySuffix, locale, { required: true })]}>
          <Input addonBefore="/gateway/" maxLength={32} showCount data-testid="publish-suffix" />
        </Form.Item>
        <Form.Item
          label={t("authServer")}
          extra={
            <Space size={4} wrap>
              {t("authServerHelp")}
              {canManageServers && (
                <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setManaging(true)} data-testid="auth-servers-manage" disabled={false}>
                  {t("authServersManage")}
                </Button>
              )}
            </Space>
          }
        >
          <Form.Item name="authServer" noStyle>
            <Select
              loading={servers.isLoading}
              data-testid="publish-auth-server"
              options={(
                servers.data ?? [
                  { id: "self", kind: "self" as const, name: "", issuer: t("authServerSelfShort"), discoveryUrl: "", jwksUri: "", usedBy: 0, createdAt: null },
                ]
              )
                .concat(
                  // A saved server this caller may not list still shows as what it is.
                  saved && saved.authServer !== "self" && servers.data && !servers.data.some((x) => x.id === saved.authServer)
                    ? [
                        {
                          id: saved.authServer,
                          kind: "other" as const,
                          name: saved.authServer,
                          issuer: "?",
                          discoveryUrl: "",
                          jwksUri: "",
                          usedBy: 0,
                          createdAt: null,
                        },
                      ]
                    : [],
                )
                .map((x) => ({ value: x.id, label: authServerLabel(x, t("authServerSelf")) }))}
            />
          </Form.Item>
        </Form.Item>
        <Form.Item name="scopes" label={t("scopes")} extra={t("scopesHelp")}>
          <Select mode="multiple" allowClear options={api.scopes.map((s) => ({ value: s, label: s }))} data-testid="publish-scopes" />
        </Form.Item>
        <Form.Item name="openId" label={t("openId")} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="backendUrl" label={t("backendUrl")} extra={t("backendUrlHelp")}>
          <Input placeholder="https://orders.internal.example.com" maxLength={2000} data-testid="publish-backend" />
        </Form.Item>
        {canSave && (
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="publish-save">
            {c("save")}
          </Button>
        )}
      </Form>
      <AuthServersDrawer api={api} open={managing} onClose={() => setManaging(false)} />
    </>
  );
}
