import { describe, it, expect } from "vitest";
import sharp from "sharp";
import { AppError } from "~/server/errors";
import { checkFileContent, MAX_BYTES, type FileKind } from "~/server/files/validate";
import * as fx from "~/test/fixtures/files";

/** The AppError code `promise` rejects with (fails the test if it resolves or throws something else). */
async function codeOf(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).appCode;
}

const SAMPLES = {
  mp4: { bytes: fx.mp4Bytes, mime: "video/mp4" },
  mov: { bytes: fx.movBytes, mime: "video/quicktime" },
  m4v: { bytes: fx.m4vBytes, mime: "video/x-m4v" },
  webm: { bytes: fx.webmBytes, mime: "video/webm" },
  mkv: { bytes: fx.mkvBytes, mime: "video/matroska" },
  avi: { bytes: fx.aviBytes, mime: "video/vnd.avi" },
  flv: { bytes: fx.flvBytes, mime: "video/x-flv" },
  mpg: { bytes: fx.mpgBytes, mime: "video/mpeg" },
  asf: { bytes: fx.asfBytes, mime: "video/x-ms-asf" },
} as const;

describe("checkFileContent: images and avatars", () => {
  for (const kind of ["image", "avatar"] as const) {
    it(`${kind}: accepts PNG and re-encodes it to a PNG of the same size`, async () => {
      const out = await checkFileContent(kind, await fx.pngBytes(40, 25));
      expect(out).toMatchObject({ mime: "image/png", ext: "png", width: 40, height: 25 });
      const meta = await sharp(out.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 40, 25]);
    });

    it(`${kind}: accepts JPEG`, async () => {
      const out = await checkFileContent(kind, await fx.jpegBytes(16, 8));
      expect(out).toMatchObject({ mime: "image/jpeg", ext: "jpg", width: 16, height: 8 });
      expect((await sharp(out.bytes).metadata()).format).toBe("jpeg");
    });

    it(`${kind}: refuses HTML (even renamed), SVG, PDF, video and empty input`, async () => {
      const refused = [fx.htmlBytes(), fx.svgBytes(), fx.pdfBytes(), fx.mp4Bytes(), Buffer.alloc(0)];
      for (const bytes of refused) expect(await codeOf(checkFileContent(kind, bytes))).toBe(20001);
    });
  }

  it("applies EXIF orientation and strips all metadata", async () => {
    const input = await fx.jpegBytes(30, 20, { exifOrientation: 6 });
    expect((await sharp(input).metadata()).orientation).toBe(6);
    const out = await checkFileContent("image", input);
    expect([out.width, out.height]).toEqual([20, 30]);
    const meta = await sharp(out.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([20, 30]);
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
  });

  it("drops bytes appended after the image", async () => {
    const payload = Buffer.from("<script>alert(1)</script>");
    const out = await checkFileContent("image", Buffer.concat([await fx.pngBytes(5, 5), payload]));
    expect(out.bytes.includes(payload)).toBe(false);
  });

  it("refuses an image wider than 4096 pixels (20003) and accepts exactly 4096", async () => {
    expect(await codeOf(checkFileContent("image", await fx.pngBytes(4097, 10)))).toBe(20003);
    expect(await codeOf(checkFileContent("image", await fx.pngBytes(10, 4097)))).toBe(20003);
    expect((await checkFileContent("image", await fx.pngBytes(4096, 1))).width).toBe(4096);
  });

  it("refuses a truncated JPEG as undecodable (20004)", async () => {
    const jpeg = await fx.jpegBytes(300, 200);
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    expect(await codeOf(checkFileContent("image", truncated))).toBe(20004);
  });

  it("refuses a PNG signature with garbage after it (20004)", async () => {
    const png = await fx.pngBytes(5, 5);
    const broken = fx.padded(png.subarray(0, 40), 200);
    expect(await codeOf(checkFileContent("avatar", broken))).toBe(20004);
  });
});

describe("checkFileContent: video", () => {
  for (const [ext, sample] of Object.entries(SAMPLES)) {
    it(`accepts ${ext} unchanged`, async () => {
      const bytes = sample.bytes();
      const out = await checkFileContent("video", bytes);
      expect(out).toEqual({ bytes, mime: sample.mime, ext, width: null, height: null });
    });
  }

  it("refuses images, documents, HTML and plain text", async () => {
    const refused = [await fx.pngBytes(4, 4), fx.pdfBytes(), fx.htmlBytes(), Buffer.from("just text\n")];
    for (const bytes of refused) expect(await codeOf(checkFileContent("video", bytes))).toBe(20001);
  });
});

describe("checkFileContent: documents", () => {
  it("accepts PDF, DOCX and XLSX unchanged", async () => {
    const cases = [
      [fx.pdfBytes(), "pdf", "application/pdf"],
      [fx.docxBytes(), "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
      [await fx.xlsxBytes(), "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ] as const;
    for (const [bytes, ext, mime] of cases) {
      expect(await checkFileContent("document", bytes)).toEqual({ bytes, ext, mime, width: null, height: null });
    }
  });

  it("tells legacy .doc from .xls by the compound file's stream names", async () => {
    expect(await checkFileContent("document", fx.cfbBytes("WordDocument"))).toMatchObject({
      ext: "doc",
      mime: "application/msword",
    });
    for (const stream of ["Workbook", "Book"] as const) {
      expect(await checkFileContent("document", fx.cfbBytes(stream))).toMatchObject({
        ext: "xls",
        mime: "application/vnd.ms-excel",
      });
    }
    expect(await codeOf(checkFileContent("document", fx.cfbBytes("Other")))).toBe(20001);
  });

  it("refuses a PNG, HTML, SVG, text, an executable, a plain zip and empty input", async () => {
    const refused = [
      await fx.pngBytes(4, 4),
      fx.htmlBytes(),
      fx.svgBytes(),
      Buffer.from("plain text\n"),
      fx.padded(Buffer.from("MZ\x90\x00", "latin1"), 256),
      fx.zipBytes({ "readme.txt": "hello" }),
      Buffer.alloc(0),
    ];
    for (const bytes of refused) expect(await codeOf(checkFileContent("document", bytes))).toBe(20001);
  });
});

describe("checkFileContent: size limits", () => {
  it("has the documented limits", () => {
    const MB = 1024 * 1024;
    expect(MAX_BYTES).toEqual({ image: 10 * MB, video: 20 * MB, document: 10 * MB, avatar: 2 * MB });
  });

  const starts: Record<FileKind, () => Promise<Buffer> | Buffer> = {
    image: () => fx.pngBytes(2, 2),
    avatar: () => fx.jpegBytes(2, 2),
    video: fx.mp4Bytes,
    document: fx.pdfBytes,
  };
  for (const [kind, start] of Object.entries(starts) as [FileKind, () => Promise<Buffer> | Buffer][]) {
    it(`${kind}: refuses one byte over the limit (20002)`, async () => {
      const bytes = fx.padded(await start(), MAX_BYTES[kind] + 1);
      expect(await codeOf(checkFileContent(kind, bytes))).toBe(20002);
    });
  }

  it("accepts a video exactly at the limit", async () => {
    const out = await checkFileContent("video", fx.padded(fx.mp4Bytes(), MAX_BYTES.video));
    expect(out.ext).toBe("mp4");
  });
});
