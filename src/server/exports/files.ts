/** Streaming writers for the two export formats: rows go in batch by batch, a Buffer comes out. */
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import type { Cell, Column } from "~/server/exports/types";

export interface SheetWriter {
  addRows(rows: Cell[][]): Promise<void>;
  finish(): Promise<Buffer>;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell as text, safe to open in a spreadsheet: text starting with = + - @ (or a tab/CR) gets a
 * leading ' so it is never evaluated as a formula (CSV/formula injection).
 */
export function safeText(v: Cell): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  const s = String(v);
  return typeof v === "string" && FORMULA_START.test(s) ? `'${s}` : s;
}

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvField(v: Cell): string {
  const s = safeText(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** UTF-8 with a BOM (so Excel in China reads it as UTF-8), CRLF line ends. */
export function csvWriter(headers: string[]): SheetWriter {
  const parts: Buffer[] = [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(headers.map(csvField).join(",") + "\r\n", "utf8")];
  return {
    async addRows(rows) {
      parts.push(Buffer.from(rows.map((r) => r.map(csvField).join(",") + "\r\n").join(""), "utf8"));
    },
    async finish() {
      return Buffer.concat(parts);
    },
  };
}

/** exceljs's streaming writer: rows are committed as they come, so memory holds the zip only. */
export function xlsxWriter(sheetName: string, columns: Pick<Column<unknown>, "header" | "width">[]): SheetWriter {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName.slice(0, 31) || "Sheet1", { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 16 }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  return {
    async addRows(rows) {
      for (const r of rows) {
        // Dates stay dates; text is guarded like in CSV (a cell typed "=..." is still text in
        // exceljs, but a user re-saving the sheet as CSV would carry it over).
        ws.addRow(r.map((v) => (v instanceof Date || typeof v === "number" ? v : v === null || v === undefined ? null : safeText(v)))).commit();
      }
    },
    async finish() {
      ws.commit();
      await wb.commit();
      await ended;
      return Buffer.concat(chunks);
    },
  };
}
