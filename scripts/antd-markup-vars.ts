/**
 * npx tsx scripts/antd-markup-vars.ts — writes the CSS variables of the antd components the console
 * draws as its own markup into src/app/antd-markup.css (see src/lib/antd-markup-vars.ts why).
 */
import { writeFileSync } from "node:fs";
import { markupVarsCss } from "../src/lib/antd-markup-vars";

const css = markupVarsCss();
writeFileSync(new URL("../src/app/antd-markup.css", import.meta.url), css);
console.log(`${css.split("\n").length} lines written to src/app/antd-markup.css`);
