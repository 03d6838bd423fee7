/**
 * The WeChat stub as its own process, for browser tests and manual runs:
 *   WECHAT_STUB_PORT=3190 WECHAT_STUB_APPS=appid:secret,appid2:secret2 tsx scripts/wechat-stub.ts
 * then point the app at it with WECHAT_OPEN_BASE_URL and WECHAT_API_BASE_URL.
 */
import { DEFAULT_STUB_APPS, startWechatStub } from "~/test/wechat-stub";

function parseApps(spec: string | undefined): Record<string, string> {
  if (!spec) return { ...DEFAULT_STUB_APPS };
  const apps: Record<string, string> = {};
  for (const pair of spec.split(",")) {
    const i = pair.indexOf(":");
    if (i <= 0 || i === pair.length - 1) throw new Error(`WECHAT_STUB_APPS: expected appid:secret, got "${pair}"`);
    apps[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return apps;
}

const apps = parseApps(process.env.WECHAT_STUB_APPS);
const stub = await startWechatStub({ apps, port: Number(process.env.WECHAT_STUB_PORT || 3190) });
// App ids only: the secrets came from the caller and need not be echoed into CI logs.
console.log(`WeChat stub listening on ${stub.url} (apps: ${Object.keys(apps).join(", ")})`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void stub.close().then(() => process.exit(0)));
}
