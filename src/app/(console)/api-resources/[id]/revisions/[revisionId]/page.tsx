import type { Metadata } from "next";
import { RevisionPreview } from "./revision-preview";

export const metadata: Metadata = { title: "API revision / API 修订版" };

export default async function RevisionPreviewPage({ params }: { params: Promise<{ id: string; revisionId: string }> }) {
  const { id, revisionId } = await params;
  return <RevisionPreview apiId={id} revisionId={revisionId} />;
}
