"use client";

// Loaded with next/dynamic from the SDKs tab only, so highlight.js stays out of every other page's bundle.
import { useMemo } from "react";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import go from "highlight.js/lib/languages/go";
import gradle from "highlight.js/lib/languages/gradle";
import ini from "highlight.js/lib/languages/ini";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import properties from "highlight.js/lib/languages/properties";
import python from "highlight.js/lib/languages/python";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import "highlight.js/styles/github.css";

for (const [name, lang] of Object.entries({ bash, go, gradle, ini, java, javascript, json, markdown, properties, python, typescript, xml, yaml })) {
  hljs.registerLanguage(name, lang);
}

const BY_EXTENSION: Record<string, string> = {
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  java: "java",
  kt: "java",
  py: "python",
  go: "go",
  json: "json",
  md: "markdown",
  yml: "yaml",
  yaml: "yaml",
  sh: "bash",
  xml: "xml",
  html: "xml",
  gradle: "gradle",
  properties: "properties",
  toml: "ini",
  ini: "ini",
  cfg: "ini",
  mod: "go",
};

/** The highlighter's language for a file, or null (shown as plain text). */
export function languageOf(path: string): string | null {
  const name = path.split("/").pop() ?? "";
  if (name === "pom.xml") return "xml";
  if (name === "go.mod" || name === "go.sum") return "go";
  const ext = name.includes(".") ? name.split(".").pop()!.toLowerCase() : "";
  return BY_EXTENSION[ext] ?? null;
}

/** Past this many characters the text is shown without colours (highlighting would stall the page). */
const MAX_HIGHLIGHT = 200_000;

/** A generated file with syntax highlighting (highlight.js escapes the text: the HTML holds only its spans). */
export default function CodeView({ path, content }: { path: string; content: string }) {
  const language = languageOf(path);
  const html = useMemo(() => {
    if (!language || content.length > MAX_HIGHLIGHT) return null;
    return hljs.highlight(content, { language, ignoreIllegals: true }).value;
  }, [language, content]);
  return (
    <pre
      className="hljs"
      data-testid="code-view"
      data-language={language ?? "plaintext"}
      style={{ margin: 0, padding: 12, fontSize: 12, lineHeight: 1.5, maxHeight: 640, overflow: "auto", borderRadius: 6, border: "1px solid #f0f0f0" }}
    >
      {html === null ? <code>{content}</code> : <code dangerouslySetInnerHTML={{ __html: html }} />}
    </pre>
  );
}
