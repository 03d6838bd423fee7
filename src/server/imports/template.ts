/**
 * The import template the console offers: the header row in the administrator's language; the
 * XLSX one also has a help sheet saying what each column takes (the console's own words).
 */
import "server-only";
import type { Locale } from "~/lib/errors";
import zhUser from "~/i18n/messages/zh-CN/user.json";
import enUser from "~/i18n/messages/en/user.json";
import { csvField } from "~/server/exports/files";
import { IMPORT_COLUMNS, TEMPLATE_HEADERS } from "~/server/imports/users-file";

const TEXTS = { "zh-CN": zhUser.import, en: enUser.import };

export async function importTemplate(format: "csv" | "xlsx", locale: Locale): Promise<{ body: Buffer; fileName: string; contentType: string }> {
  const t = TEXTS[locale];
  const headers = IMPORT_COLUMNS.map((c) => TEMPLATE_HEADERS[locale][c]);
  const base = locale === "en" ? "user-import-template" : "用户导入模板";
  if (format === "csv") {
    // A BOM, so Excel in China opens it as UTF-8 (as the exports do).
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(headers.map(csvField).join(",") + "\r\n", "utf8")]);
    return { body, fileName: `${base}.csv`, contentType: "text/csv; charset=utf-8" };
  }
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(t.sheet, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = headers.map((header) => ({ header, width: 20 }));
  sheet.getRow(1).font = { bold: true };
  // Every column is text, so Excel keeps a phone's digits and a hash's leading zeros as typed.
  for (let c = 1; c <= headers.length; c++) sheet.getColumn(c).numFmt = "@";
  const help = wb.addWorksheet(t.helpSheet);
  help.columns = [
    { header: t.helpColumn, width: 18 },
    { header: t.helpMeaning, width: 100 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of IMPORT_COLUMNS) help.addRow([TEMPLATE_HEADERS[locale][c], t.help[c]]);
  const body = Buffer.from(await wb.xlsx.writeBuffer());
  return { body, fileName: `${base}.xlsx`, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" };
}
