/**
 * npx tsx scripts/antd-css-paths.ts — writes the style paths that antd's prebuilt stylesheet
 * (antd/dist/antd.css) holds into src/lib/antd-css-file.ts (see there why).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileStylePaths } from "../src/lib/antd-css-paths";

const file = new URL("../src/lib/antd-css-file.ts", import.meta.url);
const css = readFileSync(new URL("../node_modules/antd/dist/antd.css", import.meta.url), "utf8");
const paths = fileStylePaths(css);
const text = readFileSync(file, "utf8").replace(
  /export const ANTD_FILE_STYLE_PATHS: readonly string\[\] = \[[\s\S]*?\];\n/,
  `export const ANTD_FILE_STYLE_PATHS: readonly string[] = [\n${paths.map((p) => `  ${JSON.stringify(p)},`).join("\n")}\n];\n`,
);
writeFileSync(file, text);
console.log(`${paths.length} paths written to src/lib/antd-css-file.ts`);
