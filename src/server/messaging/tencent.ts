/**
 * Tencent Cloud SMS `SendSms` (API 3.0, version 2021-01-11) signed with TC3-HMAC-SHA256:
 * https://cloud.tencent.com/document/api/382/52071 and https://cloud.tencent.com/document/api/382/52072.
 */
import { createHash, createHmac } from "node:crypto";
import type { SmsConfig } from "./config";
import { MessagingError, PROVIDER_TIMEOUT_MS, readJson, splitPhone, type SmsMessage, type SmsProvider } from "./types";

type TencentConfig = Extract<SmsConfig, { provider: "tencent" }>;

const CONTENT_TYPE = "application/json; charset=utf-8";
const SERVICE = "sms";

const sha256Hex = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const hmac = (key: string | Buffer, msg: string) => createHmac("sha256", key).update(msg, "utf8").digest();

/** The `Authorization` header for a POST of `payload` to `host` at `timestamp` (Unix seconds). */
export function tc3Authorization(a: { secretId: string; secretKey: string; host: string; timestamp: number; payload: string; contentType?: string }): string {
  const date = new Date(a.timestamp * 1000).toISOString().slice(0, 10); // UTC date, as the scope requires
  const signedHeaders = "content-type;host";
  const canonicalRequest = [
    "POST",
    "/",
    "",
    `content-type:${(a.contentType ?? CONTENT_TYPE).toLowerCase()}\nhost:${a.host.toLowerCase()}\n`,
    signedHeaders,
    sha256Hex(a.payload),
  ].join("\n");
  const scope = `${date}/${SERVICE}/tc3_request`;
  const stringToSign = ["TC3-HMAC-SHA256", String(a.timestamp), scope, sha256Hex(canonicalRequest)].join("\n");
  const signing = hmac(hmac(hmac(`TC3${a.secretKey}`, date), SERVICE), "tc3_request");
  const signature = createHmac("sha256", signing).update(stringToSign, "utf8").digest("hex");
  return `TC3-HMAC-SHA256 Credential=${a.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

type TencentAnswer = {
  Response?: {
    Error?: { Code?: string; Message?: string };
    SendStatusSet?: { Code?: string; Message?: string; PhoneNumber?: string }[];
  };
};

export function tencentSms(config: TencentConfig): SmsProvider {
  return {
    name: "tencent",
    async send(m: SmsMessage) {
      const { cc, national } = splitPhone(m.to, "tencent");
      const payload = JSON.stringify({
        PhoneNumberSet: [`+${cc}${national}`],
        SmsSdkAppId: config.sdkAppId,
        SignName: config.signName,
        TemplateId: m.providerTemplate?.tencent || config.templateId,
        // Tencent templates are positional ({1}, {2}…): values in insertion order.
        TemplateParamSet: Object.values(m.params),
      });
      const url = new URL(config.endpoint);
      const timestamp = Math.floor(Date.now() / 1000);
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          body: payload,
          signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
          headers: {
            Authorization: tc3Authorization({ secretId: config.secretId, secretKey: config.secretKey, host: url.host, timestamp, payload }),
            "Content-Type": CONTENT_TYPE,
            "X-TC-Action": "SendSms",
            "X-TC-Version": "2021-01-11",
            "X-TC-Timestamp": String(timestamp),
            "X-TC-Region": config.region,
          },
        });
      } catch (e) {
        throw new MessagingError(`Tencent unreachable: ${(e as Error).message}`, "tencent", "Network", { cause: e });
      }
      const body = ((await readJson(res, "tencent")) as TencentAnswer).Response;
      if (body?.Error) {
        const code = body.Error.Code ?? "Error";
        throw new MessagingError(`Tencent refused: ${code}: ${body.Error.Message ?? ""}`, "tencent", code);
      }
      const statuses = body?.SendStatusSet ?? [];
      // A request can be accepted while single numbers are refused (daily limits, bad number…).
      const bad = statuses.find((s) => s.Code !== "Ok");
      if (statuses.length === 0 || bad) {
        const code = bad?.Code ?? `HTTP${res.status}`;
        throw new MessagingError(`Tencent refused: ${code}: ${bad?.Message ?? "no send status"}`, "tencent", code);
      }
    },
  };
}
