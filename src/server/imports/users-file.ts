/**
 * Reading a user import file: CSV (UTF-8 with or without a BOM, or GB18030 as Chinese Excel
 * saves it) or XLSX (the first sheet), into header-mapped rows of trimmed text. The file's own
 * bytes decide its format, never its name. Everything here is pure: limits, decoding, header
 * names in both languages; what a row means is the import service's business.
 */
import "server-only";
import { crc32, inflateRawSync } from "node:zlib";
import { parse as parseCsv } from "csv-parse/sync";
import { AppError } from "~/server/errors";
import { IMPORT_COLUMNS, type ImportColumn } from "~/lib/validators/user";
import zhUser from "~/i18n/messages/zh-CN/user.json";
import enUser from "~/i18n/messages/en/user.json";

export const IMPORT_LIMITS = {
  /** The upload itself. */
  bytes: 10 * 1024 * 1024,
  /** Data rows (the header not counted). */
  rows: 50_000,
  /** Characters in one cell: far more than any column takes, little enough to keep a row small. */
  cell: 1_000,
  /** Columns in the header row. */
  columns: 50,
  /**
   * What an XLSX may unpack to: checked against what its zip declares before anything is
   * inflated, then against what its entries really inflate to (a cap on the inflater itself).
   */
  unpackedBytes: 100 * 1024 * 1024,
  /** Entries in an XLSX's zip (a workbook has a few dozen). */
  zipEntries: 10_000,
} as const;

export { IMPORT_COLUMNS, type ImportColumn };

/**
 * Header names each column answers to, compared without case, spaces, underscores, hyphens or a
 * trailing `*`: the template's own headers in both languages and the obvious variants.
 */
const HEADER_NAMES: Record<ImportColumn, string[]> = {
  userName: ["username", "user name", "login", "account", "用户名", "账号", "帐号", "登录名"],
  phone: ["phone", "mobile", "phone number", "手机号", "手机", "手机号码", "电话"],
  email: ["email", "e-mail", "mail", "email address", "邮箱", "电子邮箱", "电子邮件", "邮件"],
  nickname: ["nickname", "nick name", "display name", "昵称", "显示名"],
  roles: ["roles", "role", "角色"],
  disabled: ["disabled", "status", "禁用", "状态", "是否禁用"],
  password: ["password", "initial password", "初始密码", "密码"],
  passwordHash: ["password hash", "hash", "密码哈希", "密码散列", "哈希"],
  hashType: ["hash type", "hash algorithm", "哈希类型", "哈希算法", "散列类型"],
};
const headerKey = (s: string) => s.toLowerCase().replace(/[\s_\-*]+/g, "");
const BY_HEADER = new Map<string, ImportColumn>(
  (Object.entries(HEADER_NAMES) as [ImportColumn, string[]][]).flatMap(([col, names]) => names.map((n) => [headerKey(n), col] as const)),
);

/** The template's header of each column, in each language (the console's column names, from its messages). */
export const TEMPLATE_HEADERS: Record<"zh-CN" | "en", Record<ImportColumn, string>> = { "zh-CN": zhUser.import.columns, en: enUser.import.columns };
for (const headers of Object.values(TEMPLATE_HEADERS))
  for (const [col, name] of Object.entries(headers) as [ImportColumn, string][]) BY_HEADER.set(headerKey(name), col);

export interface ParsedFile {
  format: "csv" | "xlsx";
  /** The header cells as written. */
  headers: string[];
  /** Headers no column answers to (ignored; the preview names them). */
  unknownHeaders: string[];
  /** The data rows: line or sheet row number (1-based, as a spreadsheet shows it) and its cells by column. */
  rows: { line: number; cells: Partial<Record<ImportColumn, string>> }[];
}

/** C0 controls and DEL (the cell's line breaks and tabs too: every import column is one line), and the BOM. */
const CONTROL = /[\u0000-\u001f\u007f\ufeff]/g;

/** A cell as the service reads it: text without control characters, trimmed; refused when huge. */
function cleanCell(raw: string, line: number): string {
  const s = raw.replace(CONTROL, " ").trim();
  if (s.length > IMPORT_LIMITS.cell) throw new AppError(15008, { file: [`#${line}`] });
  return s;
}

/** Refuses a file too large to read, by its size alone. */
export function assertImportSize(size: number) {
  if (size > IMPORT_LIMITS.bytes) throw new AppError(15007);
  if (size === 0) throw new AppError(15006);
}

export async function parseImportFile(bytes: Buffer): Promise<ParsedFile> {
  assertImportSize(bytes.length);
  const isZip = bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
  const table = isZip ? await readXlsx(bytes) : readCsv(bytes);
  return mapRows(isZip ? "xlsx" : "csv", table);
}

function mapRows(format: ParsedFile["format"], table: { line: number; cells: string[] }[]): ParsedFile {
  const first = table.findIndex((r) => r.cells.some((c) => c.trim() !== ""));
  if (first < 0) throw new AppError(15006);
  const headerRow = table[first]!;
  const headers = headerRow.cells.map((c) => cleanCell(c, headerRow.line));
  if (headers.length > IMPORT_LIMITS.columns) throw new AppError(15006);
  const columns = headers.map((h) => BY_HEADER.get(headerKey(h)) ?? null);
  // Without a way to name the account there is nothing to import.
  if (!columns.some((c) => c === "userName" || c === "phone" || c === "email")) throw new AppError(15009);
  const seen = new Set<ImportColumn>();
  for (const c of columns) {
    if (c && seen.has(c)) throw new AppError(15010, { file: [headers[columns.indexOf(c)]!] });
    if (c) seen.add(c);
  }
  const rows: ParsedFile["rows"] = [];
  for (const r of table.slice(first + 1)) {
    if (!r.cells.some((c) => c.trim() !== "")) continue;
    if (rows.length >= IMPORT_LIMITS.rows) throw new AppError(15007);
    const cells: Partial<Record<ImportColumn, string>> = {};
    r.cells.forEach((raw, i) => {
      const col = columns[i];
      if (col) cells[col] = cleanCell(raw, r.line);
    });
    rows.push({ line: r.line, cells });
  }
  return { format, headers, unknownHeaders: headers.filter((h, i) => h && !columns[i]), rows };
}

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * The file's text: UTF-8 (a BOM is dropped), else GB18030, which is what Excel on a Chinese
 * Windows writes as "CSV". UTF-16 and binary files (a NUL byte) are refused: no CSV has one.
 */
export function decodeCsv(bytes: Buffer): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.includes(0)) throw new AppError(15006);
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    try {
      return new TextDecoder("gb18030", { fatal: true }).decode(body);
    } catch {
      throw new AppError(15006);
    }
  }
}

function readCsv(bytes: Buffer): { line: number; cells: string[] }[] {
  const text = decodeCsv(bytes);
  // The header line decides the separator: a comma, a semicolon (European Excel) or a tab.
  const headerLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [",", ";", "\t"].reduce((best, d) => (headerLine.split(d).length > headerLine.split(best).length ? d : best), ",");
  return parseCsvText(text, delimiter);
}

/**
 * RFC 4180 by csv-parse: quoted fields may hold the separator, doubled quotes and line breaks; a
 * quote that never closes makes the file malformed (refused), not a field that swallows the
 * rest. Reading stops one record past the row limit, and a record past the cell limit fails.
 */
export function parseCsvText(text: string, delimiter = ","): { line: number; cells: string[] }[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      to: IMPORT_LIMITS.rows + 2,
      max_record_size: IMPORT_LIMITS.cell * 4,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "CSV_MAX_RECORD_SIZE") throw new AppError(15008, { file: [`#${(e as { lines?: number }).lines ?? "?"}`] });
    throw new AppError(15006);
  }
  if (records.length > IMPORT_LIMITS.rows + 1) throw new AppError(15007);
  return records.map((r) => ({ line: r.info.lines, cells: r.record }));
}

// ---------------------------------------------------------------------------------------------
// XLSX

/**
 * The sum of the uncompressed sizes the zip's central directory declares, or null when the zip
 * has no readable directory: a zip bomb that admits its size is refused before anything is
 * inflated. One that lies about it is caught by `unzipCapped`, which counts the real bytes.
 */
export function zipUnpackedSize(bytes: Buffer): number | null {
  const min = Math.max(0, bytes.length - 65_557);
  for (let i = bytes.length - 22; i >= min; i--) {
    if (bytes.readUInt32LE(i) !== 0x06054b50) continue;
    const entries = bytes.readUInt16LE(i + 10);
    let p = bytes.readUInt32LE(i + 16);
    let total = 0;
    for (let n = 0; n < entries; n++) {
      if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== 0x02014b50) return null;
      total += bytes.readUInt32LE(p + 24);
      p += 46 + bytes.readUInt16LE(p + 28) + bytes.readUInt16LE(p + 30) + bytes.readUInt16LE(p + 32);
    }
    return total;
  }
  return null;
}

/**
 * The zip's entries, each inflated here under a real cap on the bytes it produces: the sizes a
 * zip declares are the attacker's words, so the total may never pass `unpackedBytes` whatever
 * they say (15007). Encrypted, zip64 or other than stored/deflated entries are not a workbook
 * Excel writes (15006).
 */
export function unzipCapped(bytes: Buffer, cap: number = IMPORT_LIMITS.unpackedBytes): { name: Buffer; flags: number; data: Buffer }[] {
  const min = Math.max(0, bytes.length - 65_557);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= min; i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new AppError(15006);
  const count = bytes.readUInt16LE(eocd + 10);
  if (count > IMPORT_LIMITS.zipEntries) throw new AppError(15007);
  let p = bytes.readUInt32LE(eocd + 16);
  let left = cap;
  const out: { name: Buffer; flags: number; data: Buffer }[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== 0x02014b50) throw new AppError(15006);
    const flags = bytes.readUInt16LE(p + 8);
    const method = bytes.readUInt16LE(p + 10);
    const packed = bytes.readUInt32LE(p + 20);
    const [nameLen, extraLen, commentLen] = [bytes.readUInt16LE(p + 28), bytes.readUInt16LE(p + 30), bytes.readUInt16LE(p + 32)];
    const local = bytes.readUInt32LE(p + 42);
    if (p + 46 + nameLen > bytes.length) throw new AppError(15006);
    const name = Buffer.from(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1 || packed === 0xffffffff || local === 0xffffffff || (method !== 0 && method !== 8)) throw new AppError(15006);
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) throw new AppError(15006);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    if (start + packed > bytes.length) throw new AppError(15006);
    const raw = bytes.subarray(start, start + packed);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else {
      try {
        // One byte over what is left tells "too large" apart from "exactly the cap".
        data = inflateRawSync(raw, { maxOutputLength: left + 1 });
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw new AppError(15007);
        throw new AppError(15006);
      }
    }
    if (data.length > left) throw new AppError(15007);
    left -= data.length;
    out.push({ name, flags, data });
  }
  return out;
}

/**
 * The entries again as a zip of stored (uncompressed) entries: what exceljs reads is then only
 * what `unzipCapped` inflated and counted, whatever the original's directory or headers claim.
 */
function storedZip(entries: { name: Buffer; flags: number; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const crc = crc32(e.data);
    const utf8 = e.flags & 0x0800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(utf8, 6);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(e.name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(utf8, 8);
    dir.writeUInt16LE(0x21, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(e.data.length, 20);
    dir.writeUInt32LE(e.data.length, 24);
    dir.writeUInt16LE(e.name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, e.name, e.data);
    central.push(dir, e.name);
    offset += 30 + e.name.length + e.data.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dirBytes, end]);
}

type CellValue = null | undefined | string | number | boolean | Date | { [k: string]: unknown };

/** A cell's value as text: a formula's last result, rich text's words, a link's text, a date as YYYY-MM-DD. */
function cellText(v: CellValue): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "number") return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v !== "object") return String(v);
  if ("richText" in v && Array.isArray(v.richText)) return (v.richText as { text?: string }[]).map((r) => r.text ?? "").join("");
  if ("result" in v) return cellText(v.result as CellValue);
  if ("text" in v) return cellText(v.text as CellValue);
  if ("error" in v) return "";
  return "";
}

async function readXlsx(bytes: Buffer): Promise<{ line: number; cells: string[] }[]> {
  const unpacked = zipUnpackedSize(bytes);
  if (unpacked === null) throw new AppError(15006);
  if (unpacked > IMPORT_LIMITS.unpackedBytes) throw new AppError(15007);
  // The declared sizes are only a first, cheap refusal: the real inflated bytes are counted here.
  const checked = storedZip(unzipCapped(bytes));
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(checked as unknown as ArrayBuffer);
  } catch {
    throw new AppError(15006);
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw new AppError(15006);
  if (sheet.actualRowCount > IMPORT_LIMITS.rows + 1) throw new AppError(15007);
  const out: { line: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    const count = Math.min(row.cellCount, IMPORT_LIMITS.columns + 1);
    for (let c = 1; c <= count; c++) cells.push(cellText(row.getCell(c).value as CellValue));
    out.push({ line, cells });
  });
  return out;
}
