/**
 * What an uploaded file really is, decided from its bytes alone: a file name or a declared
 * Content-Type is whatever the client says, so neither is ever consulted here.
 */
import "server-only";
import type { Sharp } from "sharp";
import { AppError } from "~/server/errors";

import { FILE_KINDS, type FileKindName } from "~/lib/validators/file";

/** The four upload destinations; each has its own size limit and accepted types. */
export { FILE_KINDS };
export type FileKind = FileKindName;

const MB = 1024 * 1024;

/** Byte limits: image 10 MB, video 20 MB, document 10 MB, avatar 2 MB (MB = 1024*1024). */
export const MAX_BYTES: Record<FileKind, number> = {
  image: 10 * MB,
  video: 20 * MB,
  document: 10 * MB,
  avatar: 2 * MB,
};

/** Longest side an image may have; also bounds decoding memory (decompression bombs). */
export const MAX_IMAGE_SIDE = 4096;

/** An accepted file: the bytes to store (re-encoded for images) and what they are. */
export interface CheckedFile {
  bytes: Buffer;
  mime: string;
  ext: string;
  width: number | null;
  height: number | null;
}

interface Detected {
  mime: string;
  ext: string;
}

/** file-type's ext for every accepted video container (wmv files are ASF and report "asf"). */
const VIDEO_EXTS: ReadonlySet<string> = new Set(["avi", "mov", "asf", "flv", "mkv", "mp4", "webm", "mpg", "m4v"]);
const IMAGE_EXTS: ReadonlySet<string> = new Set(["jpg", "png"]);
const DOCUMENT_EXTS: ReadonlySet<string> = new Set(["pdf", "docx", "xlsx"]);

const DOC: Detected = { ext: "doc", mime: "application/msword" };
const XLS: Detected = { ext: "xls", mime: "application/vnd.ms-excel" };

/** Decides the type from the bytes only (never a name or a declared type) and applies the kind's rules. */
export async function checkFileContent(kind: FileKind, bytes: Buffer): Promise<CheckedFile> {
  if (bytes.length > MAX_BYTES[kind]) throw new AppError(20002);
  // Loaded with the first upload (its signature tables are ~0.1 s of start-up otherwise).
  const { fileTypeFromBuffer } = await import("file-type");
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected) throw new AppError(20001);
  switch (kind) {
    case "image":
    case "avatar":
      return checkImage(detected, bytes);
    case "video":
      return checkVideo(detected, bytes);
    case "document":
      return checkDocument(detected, bytes);
  }
}

function checkVideo(detected: Detected, bytes: Buffer): CheckedFile {
  if (!VIDEO_EXTS.has(detected.ext)) throw new AppError(20001);
  // file-type names MPEG program/system streams video/MP2P or video/MP1S; browsers know video/mpeg.
  const mime = detected.ext === "mpg" ? "video/mpeg" : detected.mime;
  return { bytes, mime, ext: detected.ext, width: null, height: null };
}

function checkDocument(detected: Detected, bytes: Buffer): CheckedFile {
  const type = detected.ext === "cfb" ? legacyOfficeType(bytes) : DOCUMENT_EXTS.has(detected.ext) ? detected : null;
  if (!type) throw new AppError(20001);
  return { bytes, mime: type.mime, ext: type.ext, width: null, height: null };
}

/**
 * A legacy Office file is an OLE compound file; which program wrote it shows in its stream names
 * (UTF-16LE in 128-byte directory entries): "WordDocument" for Word, "Workbook" (or Excel 5's
 * "Book") for Excel. Directory sectors start at multiples of 512, so entries are 128-aligned.
 */
function legacyOfficeType(bytes: Buffer): Detected | null {
  const names = cfbStreamNames(bytes);
  if (names.has("WordDocument")) return DOC;
  if (names.has("Workbook") || names.has("Book")) return XLS;
  return null;
}

const CFB_HEADER = 512;
const CFB_ENTRY = 128;
const CFB_STREAM = 2;

function cfbStreamNames(bytes: Buffer): Set<string> {
  const names = new Set<string>();
  for (let at = CFB_HEADER; at + CFB_ENTRY <= bytes.length; at += CFB_ENTRY) {
    const nameLength = bytes.readUInt16LE(at + 64);
    if (bytes[at + 66] !== CFB_STREAM || nameLength < 4 || nameLength > 64 || nameLength % 2) continue;
    names.add(bytes.toString("utf16le", at, at + nameLength - 2));
  }
  return names;
}

const JPEG_QUALITY = 90;

/**
 * JPEG and PNG only, re-encoded so that nothing but pixels survives (EXIF, GPS, comments and any
 * trailing payload are dropped). Dimensions are read from the header before any decoding, and the
 * decoder is capped at MAX_IMAGE_SIDE² pixels, so a decompression bomb never gets decoded.
 */
async function checkImage(detected: Detected, bytes: Buffer): Promise<CheckedFile> {
  if (!IMAGE_EXTS.has(detected.ext)) throw new AppError(20001);
  const { width, height } = await readSize(bytes);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) throw new AppError(20003);
  const isJpeg = detected.ext === "jpg";
  try {
    const pipeline = (await openImage(bytes)).rotate();
    const encoded = isJpeg ? pipeline.jpeg({ quality: JPEG_QUALITY, mozjpeg: false }) : pipeline.png();
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    const mime = isJpeg ? "image/jpeg" : "image/png";
    return { bytes: data, mime, ext: detected.ext, width: info.width, height: info.height };
  } catch {
    throw new AppError(20004);
  }
}

/** sharp (libvips, ~20 MB of native memory) loads with the first image, not with every server. */
async function openImage(bytes: Buffer): Promise<Sharp> {
  const { default: sharp } = await import("sharp");
  return sharp(bytes, { limitInputPixels: MAX_IMAGE_SIDE * MAX_IMAGE_SIDE });
}

async function readSize(bytes: Buffer): Promise<{ width: number; height: number }> {
  try {
    const { width, height } = await (await openImage(bytes)).metadata();
    if (!width || !height) throw new Error("no dimensions");
    return { width, height };
  } catch {
    throw new AppError(20004);
  }
}
