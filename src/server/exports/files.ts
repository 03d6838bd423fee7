/** Streaming writers for the two export formats: rows go in batch by batch into a file stream. */
import type { Writable } from "node:stream";
import type { Cell, Column } from "~/server/exports/types";

export interface SheetWriter<Row = unknown> {
  /** Writes a batch of rows, each as its columns' values. */
  addRows(rows: readonly Row[]): Promise<void>;
  /** Writes what is left (the header of an empty CSV, the zip's directory); the caller closes the stream. */
  finish(): Promise<void>;
}

type Columns<Row> = readonly Pick<Column<Row>, "header" | "value" | "width">[];

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
  // Most cells are plain text that needs neither a guard nor quotes: one test, no copy.
  if (typeof v === "string" && !NEEDS_CARE.test(v)) return v;
  const s = safeText(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const NEEDS_CARE = /^[=+\-@\t\r]|[",\r\n]/;

/** Writes a chunk and waits for the stream to drain when its buffer is full (backpressure). */
async function put(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed) throw new Error("the export file was closed");
  if (!out.write(chunk)) await waitDrain(out);
}

function waitDrain(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (e?: Error) => {
      out.off("drain", ok).off("error", done).off("close", gone);
      if (e) reject(e);
      else resolve();
    };
    const ok = () => done();
    const gone = () => done(new Error("the export file was closed"));
    out.on("drain", ok).on("error", done).on("close", gone);
  });
}

/**
 * UTF-8 with a BOM (so Excel in China reads it as UTF-8), CRLF line ends; each batch is one
 * write, its lines made straight from the rows (no array per row).
 */
export function csvWriter<Row>(columns: Columns<Row>, out: Writable): SheetWriter<Row> {
  let started: Promise<void> | null = null;
  const header = columns.map((c) => csvField(c.header)).join(",") + "\r\n";
  const start = () => (started ??= put(out, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(header, "utf8")])));
  const values = columns.map((c) => c.value);
  const n = values.length;
  return {
    async addRows(rows) {
      await start();
      let text = "";
      for (const r of rows) {
        let line = csvField(values[0]!(r));
        for (let i = 1; i < n; i++) line += "," + csvField(values[i]!(r));
        text += line + "\r\n";
      }
      if (text) await put(out, text);
    },
    async finish() {
      await start();
    },
  };
}

/**
 * exceljs's streaming writer on the file stream: rows are committed as they come, so memory
 * holds one batch and the zip's window. exceljs ignores the stream's backpressure itself, so
 * after every batch we wait for the file stream to drain. exceljs (and the zip libraries under it)
 * loads with the first XLSX export, not with every server.
 */
export async function xlsxWriter<Row>(sheetName: string, columns: Columns<Row>, out: Writable): Promise<SheetWriter<Row>> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName.slice(0, 31) || "Sheet1", { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 16 }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  return {
    async addRows(rows) {
      for (const r of rows) {
        // Dates stay dates; text is guarded like in CSV (a cell typed "=..." is still text in
        // exceljs, but a user re-saving the sheet as CSV would carry it over).
        ws.addRow(
          columns.map((c) => {
            const v = c.value(r);
            return v instanceof Date || typeof v === "number" ? v : v === null || v === undefined ? null : safeText(v);
          }),
        ).commit();
      }
      // Let the zip deflate what was committed, then wait for the file to take it.
      await new Promise((r) => setImmediate(r));
      if (out.writableNeedDrain) await waitDrain(out);
    },
    async finish() {
      ws.commit();
      await wb.commit();
    },
  };
}
