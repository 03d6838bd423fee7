import { beforeAll, describe, expect, it } from "vitest";
import { hash as argonHash } from "@node-rs/argon2";
import bcrypt from "bcryptjs";
import { setupWorld } from "~/test/fixtures";
import { guardRequest, type Context } from "~/server/api/trpc";
import { AppError } from "~/server/errors";
import { md5Hex } from "~/server/password";
import { signInWithPassword } from "~/server/services/auth";
import { IMPORT_LIMITS, TEMPLATE_HEADERS, parseImportFile, unzipCapped, zipUnpackedSize } from "~/server/imports/users-file";
import { importTemplate } from "~/server/imports/template";
import { IMPORT_INLINE_MAX, getImportJob, importUsers, previewUserImport, runUserImport } from "~/server/services/user-import";
import { drainAllJobs } from "~/server/jobs/queues";
import { importsRoot } from "~/server/imports/store";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDeflateRaw, deflateRawSync } from "node:zlib";

const env = setupWorld();
let w: typeof env.w;
beforeAll(() => {
  w = env.w;
  process.env.DATA_DIR = mkdtempSync(path.join(tmpdir(), "uc-import-"));
});

const csv = (text: string, bom = false) => Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, "utf8")]);
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof AppError ? e.appCode : e),
  );

/** A zip of deflated entries whose sizes are whatever `size` says (CRCs left 0: nothing here checks them). */
function deflatedZip(entries: { name: Buffer; packed: Buffer; size: number }[]): Buffer {
  const parts: Buffer[] = [];
  const dir: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.packed.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(e.name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.packed.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(e.name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, e.name, e.packed);
    dir.push(central, e.name);
    offset += 30 + e.name.length + e.packed.length;
  }
  const d = Buffer.concat(dir);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(d.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, d, end]);
}

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("Users");
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The administrator of tenant B, as the route's guard hands the scope on. */
const adminScope = async (locale: "en" | "zh-CN" = "en") => guardRequest(await w.ctxFor(w.managerB.id, w.tenantB, "admin", { locale }), "uc.user.import");

describe("reading an import file", () => {
  it("reads CSV with or without a BOM, English or Chinese headers, quoted fields, GB18030", async () => {
    const en = await parseImportFile(csv('User name,Phone,Email,Nickname,Roles\r\nann,15800000001,ann@x.test,"Ann, the first","user,partner"\r\n', true));
    expect(en.format).toBe("csv");
    expect(en.rows).toEqual([
      { line: 2, cells: { userName: "ann", phone: "15800000001", email: "ann@x.test", nickname: "Ann, the first", roles: "user,partner" } },
    ]);
    const zh = await parseImportFile(csv("用户名,手机号,邮箱,昵称,角色,禁用,初始密码,密码哈希,哈希类型\nbob,,bob@x.test,鲍勃,普通用户,是,,,\n"));
    expect(zh.rows[0]!.cells).toMatchObject({ userName: "bob", nickname: "鲍勃", roles: "普通用户", disabled: "是" });
    // What Excel on a Chinese Windows writes when told "CSV".
    const gbk = Buffer.from([...Buffer.from("userName,nickname\ncat,"), 0xd5, 0xc5, 0xc8, 0xfd, 0x0a]); // 张三
    expect((await parseImportFile(gbk)).rows[0]!.cells.nickname).toBe("张三");
    // Semicolons (European Excel) and unknown columns, which are named and ignored.
    const semi = await parseImportFile(csv("email;favourite colour\nd@x.test;blue\n"));
    expect(semi.rows[0]!.cells).toEqual({ email: "d@x.test" });
    expect(semi.unknownHeaders).toEqual(["favourite colour"]);
  });

  it("refuses what is not a CSV or XLSX, a file without an account column, repeated columns, huge cells and too many rows", async () => {
    expect(await codeOf(parseImportFile(Buffer.from("email\na\u0000b\n")))).toBe(15006);
    expect(await codeOf(parseImportFile(Buffer.from([0xff, 0xfe, 0x65, 0x00])))).toBe(15006);
    expect(await codeOf(parseImportFile(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])))).toBe(15006);
    expect(await codeOf(parseImportFile(Buffer.from('email\n"never closed\n')))).toBe(15006);
    expect(await codeOf(parseImportFile(Buffer.alloc(0)))).toBe(15006);
    expect(await codeOf(parseImportFile(csv("nickname,roles\nx,user\n")))).toBe(15009);
    expect(await codeOf(parseImportFile(csv("email,邮箱\na@x.test,b@x.test\n")))).toBe(15010);
    expect(await codeOf(parseImportFile(csv(`email,nickname\na@x.test,${"x".repeat(IMPORT_LIMITS.cell + 1)}\n`)))).toBe(15008);
    expect(await codeOf(parseImportFile(csv(`email\n${"a@x.test\n".repeat(IMPORT_LIMITS.rows + 1)}`)))).toBe(15007);
    expect(await codeOf(parseImportFile(Buffer.alloc(IMPORT_LIMITS.bytes + 1, 0x61)))).toBe(15007);
  });

  it("strips control characters from cells (a cell is one line)", async () => {
    const f = await parseImportFile(csv('email,nickname\na@x.test,"line\nbreak\u0007bell\ttab"\n'));
    expect(f.rows[0]!.cells.nickname).toBe("line break bell tab");
  });

  it("reads the first sheet of an XLSX: numbers as digits, formulas by their result, rich text, dates", async () => {
    const bytes = await xlsx([
      ["用户名", "手机号", "昵称", "角色"],
      ["eve", 15800000005, { richText: [{ text: "Ev" }, { text: "e" }] }, { formula: '"us"&"er"', result: "user" }],
    ]);
    expect(zipUnpackedSize(bytes)).toBeGreaterThan(bytes.length);
    const f = await parseImportFile(bytes);
    expect(f.format).toBe("xlsx");
    expect(f.rows).toEqual([{ line: 2, cells: { userName: "eve", phone: "15800000005", nickname: "Eve", roles: "user" } }]);
  });

  it("refuses an XLSX whose zip says it unpacks to more than the limit (a zip bomb), before inflating it", async () => {
    const bytes = await xlsx([["email"], ["a@x.test"]]);
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(IMPORT_LIMITS.unpackedBytes + 1, central + 24);
    expect(await codeOf(parseImportFile(bytes))).toBe(15007);
  });

  it("refuses an XLSX whose entries really inflate past the limit, whatever sizes its zip declares", async () => {
    // A real workbook, re-zipped with one more entry: 150 MiB of zeros, declared as 1 KiB.
    const entries: { name: Buffer; packed: Buffer; size: number }[] = unzipCapped(await xlsx([["email"], ["a@x.test"]])).map((e) => ({
      name: e.name,
      packed: deflateRawSync(e.data),
      size: e.data.length,
    }));
    const bomb = await new Promise<Buffer>((resolve, reject) => {
      const d = createDeflateRaw();
      const chunks: Buffer[] = [];
      d.on("data", (c: Buffer) => chunks.push(c))
        .on("end", () => resolve(Buffer.concat(chunks)))
        .on("error", reject);
      const mib = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 150; i++) d.write(mib);
      d.end();
    });
    entries.push({ name: Buffer.from("xl/media/image1.bin"), packed: bomb, size: 1024 });
    const bytes = deflatedZip(entries);
    expect(zipUnpackedSize(bytes)).toBeLessThan(IMPORT_LIMITS.unpackedBytes); // the old check believed it
    const before = process.memoryUsage().arrayBuffers;
    expect(await codeOf(parseImportFile(bytes))).toBe(15007);
    // The inflater stopped at the cap: never the 150 MiB the entry really holds.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(150 * 1024 * 1024);
    // Without the bomb, the same zip reads as the workbook it is.
    expect((await parseImportFile(deflatedZip(entries.slice(0, -1)))).rows[0]!.cells.email).toBe("a@x.test");
  });

  it("offers templates whose headers read back as every column, in both languages", async () => {
    for (const locale of ["en", "zh-CN"] as const) {
      for (const format of ["csv", "xlsx"] as const) {
        const t = await importTemplate(format, locale);
        const withRow =
          format === "csv"
            ? Buffer.concat([t.body, Buffer.from("tpl-user\r\n")])
            : await (async () => {
                const { default: ExcelJS } = await import("exceljs");
                const wb = new ExcelJS.Workbook();
                await wb.xlsx.load(t.body as unknown as ArrayBuffer);
                expect(wb.worksheets).toHaveLength(2);
                wb.worksheets[0]!.addRow(["tpl-user"]);
                return Buffer.from(await wb.xlsx.writeBuffer());
              })();
        const f = await parseImportFile(withRow);
        expect(f.headers).toEqual(Object.values(TEMPLATE_HEADERS[locale]));
        expect(f.unknownHeaders).toEqual([]);
        expect(f.rows[0]!.cells.userName).toBe("tpl-user");
      }
    }
  });
});

describe("previewing and importing users", () => {
  it("checks every row with the create schema, roles, hashes and duplicates (in the file and in the tenant), in words", async () => {
    const file = await parseImportFile(
      csv(
        [
          "User name,Phone,Email,Roles,Disabled,Initial password,Password hash",
          "pv-ok,13700000001,pv-ok@x.test,user,no,,",
          "1bad,,,,,,", // user name must start with a letter
          "pv-dup,,pv-ok@x.test,,,,", // email as in row 2
          "managerb,,,,,,", // taken in the tenant (another case)
          "pv-role,,,nosuchrole,maybe,,",
          "pv-both,,,,,a-long-passphrase,0123456789abcdef0123456789abcdef",
          "pv-weak,,,,,password,",
          "pv-hash,,,,,,$2b$10$short",
        ].join("\n"),
      ),
    );
    const scope = await adminScope();
    const p = await previewUserImport(scope, file);
    expect(p).toMatchObject({ total: 8, okCount: 1, errorCount: 7 });
    const by = new Map(p.rows.map((r) => [r.line, r]));
    expect(by.get(2)).toMatchObject({ phone: "+86-13700000001", roles: ["user"], errors: [], password: "none" });
    expect(by.get(3)!.errors[0]!.column).toBe("userName");
    expect(by.get(4)!.errors).toEqual([{ column: "email", message: "The same as in row 2 of the file" }]);
    expect(by.get(5)!.errors).toEqual([{ column: "userName", message: "This user name is already in use" }]);
    expect(
      by
        .get(6)!
        .errors.map((e) => e.column)
        .sort(),
    ).toEqual(["disabled", "roles"]);
    expect(by.get(7)!.errors).toEqual([{ column: "password", message: "Give an initial password or a password hash, not both" }]);
    expect(by.get(8)!.errors[0]!.column).toBe("password");
    expect(by.get(9)!.errors).toEqual([{ column: "passwordHash", message: "The hash is incomplete or damaged" }]);
    // Errors come first in the table.
    expect(p.rows.at(-1)!.line).toBe(2);
    // The same words in Chinese.
    const zh = await previewUserImport(await adminScope("zh-CN"), file);
    expect(zh.rows.find((r) => r.line === 4)!.errors[0]!.message).toBe("与文件第 2 行重复");
    expect(zh.rows.find((r) => r.line === 5)!.errors[0]!.message).toMatch(/用户名/);
    // Nothing written.
    expect(await env.db.user.count({ where: { userNameKey: "pv-ok" } })).toBe(0);
  });

  it("creates each valid row with its roles and an audit row, reports the rest, and audits the import once", async () => {
    const file = await parseImportFile(
      csv('用户名,手机号,角色,禁用,初始密码\nim-one,13700000011,"普通用户,partner",否,a-long-passphrase\nim-two,,developer,是,\n2bad,,,,\n'),
    );
    const scope = await adminScope();
    const seen: number[] = [];
    const r = await runUserImport(scope, file, { fileName: "users.csv" }, (done) => void seen.push(done));
    expect(r).toMatchObject({ total: 3, created: 2 });
    expect(r.failed.map((f) => f.line)).toEqual([4]);
    expect(seen).toEqual([1, 2, 3]);
    const one = await env.db.user.findFirstOrThrow({
      where: { tenantId: w.tenantB.id, userNameKey: "im-one" },
      include: { roles: { include: { role: true } } },
    });
    expect(one).toMatchObject({ phone: "+86-13700000011", status: "active", mustChangePassword: true });
    expect(one.roles.map((x) => x.role.name).sort()).toEqual(["partner", "user"]);
    const two = await env.db.user.findFirstOrThrow({ where: { tenantId: w.tenantB.id, userNameKey: "im-two" } });
    expect(two).toMatchObject({ status: "disabled", passwordHash: null });
    expect(await env.db.auditLog.count({ where: { action: "user.create", recordId: { in: [one.id, two.id] } } })).toBe(2);
    const audit = await env.db.auditLog.findFirstOrThrow({ where: { action: "user.import", recordId: r.importId } });
    expect(audit).toMatchObject({ tenantId: w.tenantB.id, actorId: w.managerB.id, after: { fileName: "users.csv", total: 3, created: 2, failed: 1 } });
    // The same file again: every row is now taken, nothing half-written.
    const again = await runUserImport(scope, file, { fileName: "users.csv" });
    expect(again.created).toBe(0);
    expect(await env.db.user.count({ where: { tenantId: w.tenantB.id, userNameKey: { in: ["im-one", "im-two"] } } })).toBe(2);
  });

  it("signs in with imported MD5, bcrypt and argon2 hashes, then holds our own argon2id", async () => {
    const pwd = "old system pass";
    const bcryptHash = await bcrypt.hash(pwd, 4);
    const argon = await argonHash(pwd, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    const file = await parseImportFile(
      csv(
        [
          "userName,passwordHash,hashType",
          `hs-md5,${md5Hex(pwd).toUpperCase()},`,
          `hs-bcrypt,${bcryptHash.replace("$2b$", "$2y$")},`,
          `hs-argon,"${argon}",argon2`, // its parameters hold commas
          `hs-bcrypt-md5,${await bcrypt.hash(md5Hex(pwd), 4)},bcrypt-md5`,
        ].join("\n"),
      ),
    );
    const r = await runUserImport(await adminScope(), file, { fileName: "hashes.csv" });
    expect(r).toMatchObject({ created: 4, failed: [] });
    for (const [name, form] of [
      ["hs-md5", "md5"],
      ["hs-bcrypt", "plain"],
      ["hs-argon", "plain"],
      ["hs-bcrypt-md5", "md5"],
    ] as const) {
      const before = await env.db.user.findFirstOrThrow({ where: { tenantId: w.tenantB.id, userNameKey: name } });
      if (name === "hs-md5") {
        // Stored as our own argon2id over the hex, never the hex itself (the JSON API's pwd: pass-the-hash).
        expect(before.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        expect(before.passwordHash).not.toContain(md5Hex(pwd));
        // The typed password (form path) signs in too, before any rehash.
        expect((await signInWithPassword(env.db, { tenant: w.tenantB, ustr: name, pwd, ip: "10.9.0.2" })).userId).toBe(before.id);
      } else expect(before.passwordHash!.startsWith("uc-import:"), name).toBe(true);
      expect(before.mustChangePassword).toBe(false);
      const wrong = await codeOf(signInWithPassword(env.db, { tenant: w.tenantB, ustr: name, pwd: "not it", ip: "10.9.0.1" }));
      expect(wrong, name).toBe(12001);
      const ok = await signInWithPassword(env.db, { tenant: w.tenantB, ustr: name, pwd: form === "md5" ? md5Hex(pwd) : pwd, pwdForm: form, ip: "10.9.0.2" });
      expect(ok.userId).toBe(before.id);
      const after = await env.db.user.findUniqueOrThrow({ where: { id: before.id } });
      expect(after.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      // Our own hash now: the typed password and its MD5 hex both work.
      await signInWithPassword(env.db, { tenant: w.tenantB, ustr: name, pwd, ip: "10.9.0.2" });
      await signInWithPassword(env.db, { tenant: w.tenantB, ustr: name, pwd: md5Hex(pwd), pwdForm: "md5", ip: "10.9.0.2" });
    }
  });

  it("needs uc.user.import, and imports into the caller's tenant only", async () => {
    for (const userId of [w.plainB.id, w.nobodyB.id]) {
      const ctx: Context = await w.ctxFor(userId, w.tenantB);
      expect(() => guardRequest(ctx, "uc.user.import")).toThrow(expect.objectContaining({ appCode: 10002 }));
    }
    const anonymous = await w.ctxFor(null, w.tenantB);
    expect(() => guardRequest(anonymous, "uc.user.import")).toThrow(expect.objectContaining({ appCode: 10001 }));

    // A name taken in the default tenant is free in tenant B, and the user lands in tenant B.
    await w.makeUser(w.platform.id, "iso-user", []);
    const file = await parseImportFile(csv("userName,roles\niso-user,administrator\n"));
    const p = await previewUserImport(await adminScope(), file);
    expect(p.okCount).toBe(1);
    const r = await runUserImport(await adminScope(), file, { fileName: "iso.csv" });
    expect(r.created).toBe(1);
    const rows = await env.db.user.findMany({ where: { userNameKey: "iso-user" }, include: { roles: { include: { role: true } } } });
    const inB = rows.find((u) => u.tenantId === w.tenantB.id)!;
    // The role named is tenant B's own administrator role, not another tenant's.
    expect(inB.roles.map((x) => x.role.tenantId)).toEqual([w.tenantB.id]);
    expect(rows).toHaveLength(2);
  });

  it("lets a platform operator import into the tenant they name (its roles, its duplicates), and no one else", async () => {
    const operator = async () => guardRequest(await w.ctxFor(w.operator.id, w.platform), "uc.user.import");
    // "administrator" is tenant B's role; "plainb" is a user name tenant B already has.
    const file = await parseImportFile(csv("userName,roles\nop-into-b,administrator\nplainb,user\n"));
    const p = await previewUserImport(await operator(), file, w.tenantB.id);
    expect(p.okCount).toBe(1);
    expect(p.rows.find((r) => r.userName === "plainb")!.errors.map((e) => e.column)).toEqual(["userName"]);
    const r = await runUserImport(await operator(), file, { fileName: "op.csv", tenantId: w.tenantB.id });
    expect(r.created).toBe(1);
    const made = await env.db.user.findFirstOrThrow({ where: { userNameKey: "op-into-b" }, include: { roles: { include: { role: true } } } });
    expect(made.tenantId).toBe(w.tenantB.id);
    expect(made.roles.map((x) => x.role.tenantId)).toEqual([w.tenantB.id]);
    const audit = await env.db.auditLog.findFirstOrThrow({ where: { action: "user.import", recordId: r.importId } });
    expect(audit.tenantId).toBe(w.tenantB.id);

    // As a job too: the tenant named goes with it.
    const big = csv(["userName", ...Array.from({ length: IMPORT_INLINE_MAX + 1 }, (_, i) => `op-job-${i}`)].join("\n"));
    const out = await importUsers(await operator(), await parseImportFile(big), big, "op-big.csv", w.tenantB.id);
    await drainAllJobs(env.db, { progressEveryMs: 0 });
    expect(await env.db.user.count({ where: { tenantId: w.tenantB.id, userNameKey: { startsWith: "op-job-" } } })).toBe(IMPORT_INLINE_MAX + 1);
    expect((await env.db.job.findUniqueOrThrow({ where: { id: out.job!.id } })).status).toBe("done");

    // A tenant that does not exist is a 404; a tenant administrator naming another tenant imports into their own.
    expect(await codeOf(previewUserImport(await operator(), file, "00000000-0000-7000-8000-000000000000"))).toBe(10004);
    const mine = await runUserImport(await adminScope(), await parseImportFile(csv("userName\nb-admin-names-platform\n")), {
      fileName: "x.csv",
      tenantId: w.platform.id,
    });
    expect(mine.created).toBe(1);
    expect((await env.db.user.findFirstOrThrow({ where: { userNameKey: "b-admin-names-platform" } })).tenantId).toBe(w.tenantB.id);
  });

  it("needs uc.user.post as well: the import permission alone cannot create users (nor an administrator)", async () => {
    const role = await env.db.role.create({ data: { tenantId: w.tenantB.id, name: "importer-only", permissions: ["uc.user.import"] } });
    const importer = await w.makeUser(w.tenantB.id, "importer-only", ["importer-only"]);
    const ctx = await w.ctxFor(importer.id, w.tenantB);
    const scope = guardRequest(ctx, "uc.user.import"); // the route's first guard lets them in…
    expect(() => guardRequest(ctx, "uc.user.post")).toThrow(expect.objectContaining({ appCode: 10002 })); // …its second does not
    const admin = `importer-admin,${md5Hex("known")},md5,administrator`;
    const bytes = csv(`userName,passwordHash,hashType,roles\n${admin}\n`);
    const file = await parseImportFile(bytes);
    expect(await codeOf(previewUserImport(scope, file))).toBe(10002);
    expect(await codeOf(runUserImport(scope, file, { fileName: "x.csv" }))).toBe(10002);
    expect(await codeOf(importUsers(scope, file, bytes, "x.csv"))).toBe(10002);
    expect(await env.db.user.count({ where: { userNameKey: "importer-admin" } })).toBe(0);

    // A job queued while the creator could import runs as they are now: no post, no users.
    await env.db.role.update({ where: { id: role.id }, data: { permissions: ["uc.user.import", "uc.user.post"] } });
    const big = csv(["userName", ...Array.from({ length: IMPORT_INLINE_MAX + 1 }, (_, i) => `lost-job-${i}`)].join("\n"));
    const out = await importUsers(guardRequest(await w.ctxFor(importer.id, w.tenantB), "uc.user.import"), await parseImportFile(big), big, "big.csv");
    await env.db.role.update({ where: { id: role.id }, data: { permissions: ["uc.user.import"] } });
    await drainAllJobs(env.db, { progressEveryMs: 0 });
    expect((await env.db.job.findUniqueOrThrow({ where: { id: out.job!.id } })).status).not.toBe("done");
    expect(await env.db.user.count({ where: { tenantId: w.tenantB.id, userNameKey: { startsWith: "lost-job-" } } })).toBe(0);
  });

  it("imports a file larger than the inline limit as a job on the runner, with progress, and removes the file after", async () => {
    const n = IMPORT_INLINE_MAX + 5;
    const lines = ["userName,roles", ...Array.from({ length: n }, (_, i) => `job-user-${i},user`), "job-user-0,user"];
    const bytes = csv(lines.join("\n"));
    const scope = await adminScope();
    const out = await importUsers(scope, await parseImportFile(bytes), bytes, "big.csv");
    expect(out.result).toBeNull();
    expect(out.job).toMatchObject({ status: "queued", done: 0 });
    const files = () => readdirSync(importsRoot(), { recursive: true }).filter((f) => String(f).endsWith(".csv"));
    expect(files()).toHaveLength(1);
    // Someone else's job is a 404, even for another administrator of the tenant.
    expect(await codeOf(getImportJob(guardRequest(await w.ctxFor(w.operator.id, w.tenantB), "uc.user.import"), out.job!.id))).toBe(10004);

    await drainAllJobs(env.db, { progressEveryMs: 0 });
    const job = await getImportJob(scope, out.job!.id);
    expect(job).toMatchObject({ status: "done", total: n + 1, done: n + 1, result: { importId: out.job!.id, created: n, failedCount: 1 } });
    expect(job.result!.failed[0]!.line).toBe(n + 2);
    expect(await env.db.user.count({ where: { tenantId: w.tenantB.id, userNameKey: { startsWith: "job-user-" } } })).toBe(n);
    expect(await env.db.auditLog.count({ where: { action: "user.import", recordId: out.job!.id } })).toBe(1);
    expect(files()).toHaveLength(0);
  });
});
