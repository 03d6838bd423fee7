/**
 * Loopback stand-ins for Aliyun Dysmsapi and Tencent Cloud SMS. Each one recomputes the request
 * signature from what arrived on the wire, with its own implementation of the provider's
 * documented algorithm (nothing is imported from the client under test, so a signing bug there
 * cannot hide), and answers with the provider's real success and error shapes.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Stub<R> {
  /** Base URL to configure as the provider's endpoint. */
  url: string;
  /** Messages accepted so far. */
  received: R[];
  /** Makes the next correctly signed request fail with this business error (e.g. a daily limit). */
  failNext: { code: string; message: string } | null;
  close(): Promise<void>;
}

export interface AliyunSent {
  accessKeyId: string;
  phoneNumbers: string;
  signName: string;
  templateCode: string;
  templateParam: Record<string, string> | null;
}

export interface TencentSent {
  secretId: string;
  region: string;
  phoneNumberSet: string[];
  smsSdkAppId: string;
  signName: string;
  templateId: string;
  templateParamSet: string[];
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json;charset=utf-8" });
  res.end(JSON.stringify(body));
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => json(res, 500, { error: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

// ---------------------------------------------------------------- Aliyun (RPC, signature v1.0)

/** Aliyun's recipe for its POP encoding: URL-encode, then fix the characters encodeURIComponent leaves alone. */
const aliyunEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Base64 HMAC-SHA1 of `METHOD&%2F&encode(sorted query)` keyed with `secret&`, as Aliyun documents it. */
export function aliyunExpectedSignature(method: string, params: Map<string, string>, secret: string): { stringToSign: string; signature: string } {
  const canonical = [...params.keys()]
    .filter((k) => k !== "Signature")
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((k) => `${aliyunEncode(k)}=${aliyunEncode(params.get(k) ?? "")}`)
    .join("&");
  const stringToSign = `${method}&${aliyunEncode("/")}&${aliyunEncode(canonical)}`;
  return { stringToSign, signature: createHmac("sha1", `${secret}&`).update(Buffer.from(stringToSign, "utf8")).digest("base64") };
}

export async function startAliyunStub(creds: { accessKeyId: string; accessKeySecret: string }): Promise<Stub<AliyunSent>> {
  const received: AliyunSent[] = [];
  const nonces = new Set<string>();
  const stub: Stub<AliyunSent> = { url: "", received, failNext: null, close: async () => {} };
  const { url, close } = await listen(async (req, res) => {
    const requestId = randomUUID().toUpperCase();
    const fail = (status: number, code: string, message: string) =>
      json(res, status, {
        RequestId: requestId,
        HostId: "dysmsapi.aliyuncs.com",
        Code: code,
        Message: message,
        Recommend: "https://api.aliyun.com/troubleshoot",
      });
    // The query as sent, decoded pair by pair (a repeated name is not something Aliyun accepts).
    const raw = (req.url ?? "").split("?")[1] ?? "";
    const params = new Map<string, string>();
    for (const pair of raw.split("&").filter(Boolean)) {
      const eq = pair.indexOf("=");
      const k = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      if (params.has(k)) return fail(400, "InvalidParameter", `Duplicate parameter ${k}.`);
      params.set(k, eq < 0 ? "" : decodeURIComponent(pair.slice(eq + 1)));
    }
    for (const name of ["AccessKeyId", "Signature", "SignatureNonce", "Timestamp", "Action", "Version"]) {
      if (!params.get(name)) return fail(400, `Missing${name}`, `${name} is mandatory for this action.`);
    }
    if (params.get("SignatureMethod") !== "HMAC-SHA1" || params.get("SignatureVersion") !== "1.0") {
      return fail(400, "InvalidSignatureMethod", "Specified signature method is not supported.");
    }
    if (params.get("AccessKeyId") !== creds.accessKeyId) return fail(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
    const ts = Date.parse(params.get("Timestamp") ?? "");
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.get("Timestamp") ?? "") || Number.isNaN(ts) || Math.abs(Date.now() - ts) > 15 * 60_000) {
      return fail(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
    }
    const { stringToSign, signature } = aliyunExpectedSignature(req.method ?? "GET", params, creds.accessKeySecret);
    if (!sameText(signature, params.get("Signature") ?? "")) {
      return fail(400, "SignatureDoesNotMatch", `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`);
    }
    const nonce = params.get("SignatureNonce") ?? "";
    if (nonces.has(nonce)) return fail(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
    nonces.add(nonce);
    if (params.get("Action") !== "SendSms" || params.get("Version") !== "2017-05-25") {
      return fail(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
    }
    for (const name of ["PhoneNumbers", "SignName", "TemplateCode"]) {
      if (!params.get(name)) return fail(400, `Missing${name}`, `${name} is mandatory for this action.`);
    }
    // Business errors come back as HTTP 200 with their own Code.
    const biz = (code: string, message: string) => json(res, 200, { RequestId: requestId, Code: code, Message: message });
    const phones = params.get("PhoneNumbers") ?? "";
    if (!/^\d{6,20}(,\d{6,20})*$/.test(phones)) return biz("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号");
    let templateParam: Record<string, string> | null = null;
    if (params.has("TemplateParam")) {
      try {
        templateParam = JSON.parse(params.get("TemplateParam") ?? "") as Record<string, string>;
      } catch {
        return biz("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
      }
    }
    if (stub.failNext) {
      const { code, message } = stub.failNext;
      stub.failNext = null;
      return biz(code, message);
    }
    received.push({
      accessKeyId: creds.accessKeyId,
      phoneNumbers: phones,
      signName: params.get("SignName") ?? "",
      templateCode: params.get("TemplateCode") ?? "",
      templateParam,
    });
    json(res, 200, { RequestId: requestId, Message: "OK", BizId: `${Date.now()}^0`, Code: "OK" });
  });
  stub.url = url;
  stub.close = close;
  return stub;
}

// ---------------------------------------------------------------- Tencent Cloud (API 3.0, TC3-HMAC-SHA256)

const hex256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const mac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(Buffer.from(data, "utf8")).digest();

/** Tencent's four documented steps: canonical request, string to sign, derived key, hex signature. */
export function tc3ExpectedSignature(a: {
  method: string;
  query: string;
  headers: [name: string, value: string][];
  payload: Buffer | string;
  timestamp: string;
  date: string;
  service: string;
  secretKey: string;
}): string {
  const sorted = [...a.headers].map(([k, v]) => [k.toLowerCase(), v.trim().toLowerCase()] as const).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const canonicalRequest = [a.method, "/", a.query, sorted.map(([k, v]) => `${k}:${v}\n`).join(""), sorted.map(([k]) => k).join(";"), hex256(a.payload)].join(
    "\n",
  );
  const stringToSign = `TC3-HMAC-SHA256\n${a.timestamp}\n${a.date}/${a.service}/tc3_request\n${hex256(canonicalRequest)}`;
  const key = mac(mac(mac(`TC3${a.secretKey}`, a.date), a.service), "tc3_request");
  return createHmac("sha256", key).update(Buffer.from(stringToSign, "utf8")).digest("hex");
}

export async function startTencentStub(creds: { secretId: string; secretKey: string }): Promise<Stub<TencentSent>> {
  const received: TencentSent[] = [];
  const stub: Stub<TencentSent> = { url: "", received, failNext: null, close: async () => {} };
  const { url, close } = await listen(async (req, res) => {
    const payload = await readBody(req);
    const requestId = randomUUID();
    // Tencent answers API errors with HTTP 200 and Response.Error.
    const fail = (code: string, message: string) => json(res, 200, { Response: { Error: { Code: code, Message: message }, RequestId: requestId } });
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(",") : (v ?? "");
    };
    const auth = /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d\d-\d\d)\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      header("authorization"),
    );
    if (!auth) return fail("AuthFailure.InvalidAuthorization", "Authorization header is malformed.");
    const [, secretId = "", date = "", service = "", signedHeaders = "", signature = ""] = auth;
    if (secretId !== creds.secretId) return fail("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.");
    const timestamp = header("x-tc-timestamp");
    if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) {
      return fail("AuthFailure.SignatureExpire", "Signature expired. Timestamp and server time cannot differ by more than 5 minutes.");
    }
    const names = signedHeaders.split(";");
    const utcDate = new Date(Number(timestamp) * 1000).toISOString().slice(0, 10);
    const expected = tc3ExpectedSignature({
      method: req.method ?? "",
      query: (req.url ?? "").split("?")[1] ?? "",
      headers: names.map((n) => [n, header(n)]),
      payload,
      timestamp,
      date,
      service,
      secretKey: creds.secretKey,
    });
    if (!names.includes("content-type") || !names.includes("host") || service !== "sms" || date !== utcDate || !sameText(expected, signature)) {
      return fail("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.");
    }
    if (header("x-tc-action") !== "SendSms") return fail("InvalidAction", `Action ${header("x-tc-action")} is not found.`);
    if (header("x-tc-version") !== "2021-01-11") return fail("NoSuchVersion", "The requested version does not exist.");
    if (!header("x-tc-region")) return fail("MissingParameter", "The request is missing a required parameter `Region`.");
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(payload.toString("utf8")) as Record<string, unknown>;
    } catch {
      return fail("InvalidParameter", "The request body is not valid JSON.");
    }
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
    for (const name of ["SmsSdkAppId", "SignName", "TemplateId"]) {
      if (typeof body[name] !== "string" || !body[name]) return fail("MissingParameter", `The request is missing a required parameter \`${name}\`.`);
    }
    if (!strings(body.PhoneNumberSet) || body.PhoneNumberSet.length === 0)
      return fail("MissingParameter", "The request is missing a required parameter `PhoneNumberSet`.");
    if (body.TemplateParamSet !== undefined && !strings(body.TemplateParamSet)) return fail("InvalidParameter", "TemplateParamSet must be a list of strings.");
    const phones = body.PhoneNumberSet;
    const failure = stub.failNext;
    stub.failNext = null;
    const statuses = phones.map((p) => {
      const ok = /^\+\d{6,20}$/.test(p);
      const code = !ok ? "InvalidParameterValue.IncorrectPhoneNumber" : (failure?.code ?? "Ok");
      const message = !ok ? "The phone number format is wrong." : (failure?.message ?? "send success");
      return {
        SerialNo: code === "Ok" ? `2433:${randomUUID()}` : "",
        PhoneNumber: p,
        Fee: code === "Ok" ? 1 : 0,
        SessionContext: "",
        Code: code,
        Message: message,
        IsoCode: p.startsWith("+86") ? "CN" : "",
      };
    });
    if (statuses.every((s) => s.Code === "Ok")) {
      received.push({
        secretId,
        region: header("x-tc-region"),
        phoneNumberSet: phones,
        smsSdkAppId: String(body.SmsSdkAppId),
        signName: String(body.SignName),
        templateId: String(body.TemplateId),
        templateParamSet: strings(body.TemplateParamSet) ? body.TemplateParamSet : [],
      });
    }
    json(res, 200, { Response: { SendStatusSet: statuses, RequestId: requestId } });
  });
  stub.url = url;
  stub.close = close;
  return stub;
}
