/**
 * Aliyun Dysmsapi `SendSms` with the classic RPC signature (SignatureVersion 1.0, HMAC-SHA1):
 * https://help.aliyun.com/document_detail/101343.html (short message service, HTTP signature).
 */
import { createHmac, randomUUID } from "node:crypto";
import type { SmsConfig } from "./config";
import { MessagingError, PROVIDER_TIMEOUT_MS, readJson, splitPhone, type SmsMessage, type SmsProvider } from "./types";

type AliyunConfig = Extract<SmsConfig, { provider: "aliyun" }>;

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** POP percent-encoding: RFC 3986 unreserved characters stay, every other UTF-8 byte becomes %XY (so space is %20, `*` is %2A). */
export function popEncode(s: string): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Returns the canonicalized query (without Signature) and the Base64 signature for `method`. */
export function aliyunSign(method: string, params: Record<string, string>, secret: string): { query: string; signature: string } {
  const query = Object.keys(params)
    .sort() // parameter names are ASCII, so code-unit order is Aliyun's byte order
    .map((k) => `${popEncode(k)}=${popEncode(params[k] ?? "")}`)
    .join("&");
  const stringToSign = `${method}&${popEncode("/")}&${popEncode(query)}`;
  return { query, signature: createHmac("sha1", `${secret}&`).update(stringToSign, "utf8").digest("base64") };
}

/** Mainland numbers go as the plain 11 digits; others as country code + number, no "+" (Aliyun's documented form). */
export function aliyunPhone(to: string): string {
  const { cc, national } = splitPhone(to, "aliyun");
  return cc === "86" ? national : cc + national;
}

export function aliyunSms(config: AliyunConfig): SmsProvider {
  return {
    name: "aliyun",
    async send(m: SmsMessage) {
      const params: Record<string, string> = {
        AccessKeyId: config.accessKeyId,
        Action: "SendSms",
        Format: "JSON",
        PhoneNumbers: aliyunPhone(m.to),
        RegionId: "cn-hangzhou",
        SignName: config.signName,
        SignatureMethod: "HMAC-SHA1",
        SignatureNonce: randomUUID(),
        SignatureVersion: "1.0",
        TemplateCode: m.providerTemplate?.aliyun || config.templateCode,
        // Second precision: Aliyun documents yyyy-MM-ddTHH:mm:ssZ.
        Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        Version: "2017-05-25",
      };
      if (Object.keys(m.params).length > 0) params.TemplateParam = JSON.stringify(m.params);
      const { query, signature } = aliyunSign("GET", params, config.accessKeySecret);
      const url = new URL(config.endpoint);
      url.search = `Signature=${popEncode(signature)}&${query}`;
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
      } catch (e) {
        throw new MessagingError(`Aliyun unreachable: ${(e as Error).message}`, "aliyun", "Network", { cause: e });
      }
      const body = (await readJson(res, "aliyun")) as { Code?: unknown; Message?: unknown };
      // Business refusals (flow control, bad template…) come as HTTP 200 with another Code.
      if (body.Code !== "OK") {
        const code = typeof body.Code === "string" ? body.Code : `HTTP${res.status}`;
        throw new MessagingError(`Aliyun refused: ${code}: ${String(body.Message ?? "")}`, "aliyun", code);
      }
    },
  };
}
