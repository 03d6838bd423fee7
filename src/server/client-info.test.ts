import { describe, expect, it } from "vitest";
import { describeUserAgent, locateIp } from "~/server/client-info";

const UA = {
  chromeWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  safariIphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  wechatAndroid:
    "Mozilla/5.0 (Linux; Android 13; V2203A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64",
  ipad: "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  edgeMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  curl: "curl/8.4.0",
};

describe("describeUserAgent", () => {
  it("reads browser, OS and device type from real user agents", () => {
    expect(describeUserAgent(UA.chromeWindows)).toEqual({ browser: "Chrome 131", os: "Windows 10", model: null, deviceType: "desktop" });
    expect(describeUserAgent(UA.safariIphone)).toEqual({ browser: "Mobile Safari 17", os: "iOS 17.5", model: "Apple iPhone", deviceType: "mobile" });
    expect(describeUserAgent(UA.wechatAndroid)).toEqual({ browser: "WeChat 8", os: "Android 13", model: "Vivo V2203A", deviceType: "mobile" });
    expect(describeUserAgent(UA.ipad)).toMatchObject({ os: "iOS 16.6", deviceType: "tablet" });
    expect(describeUserAgent(UA.edgeMac)).toMatchObject({ browser: "Edge 131", os: "Mac OS 10.15.7", deviceType: "desktop" });
  });

  it("names non-browser clients by their product token, as 'other' devices", () => {
    expect(describeUserAgent(UA.curl)).toEqual({ browser: "curl 8.4.0", os: null, model: null, deviceType: "other" });
    expect(describeUserAgent("okhttp/4.12.0")).toMatchObject({ browser: "okhttp 4.12.0", deviceType: "other" });
  });

  it("says nothing it cannot know", () => {
    expect(describeUserAgent(null)).toBeNull();
    expect(describeUserAgent("   ")).toBeNull();
    expect(describeUserAgent("UA")).toEqual({ browser: null, os: null, model: null, deviceType: "other" });
    // The same string twice gives the same answer (the second from the cache).
    expect(describeUserAgent(UA.chromeWindows)).toEqual(describeUserAgent(UA.chromeWindows));
  });
});

describe("locateIp", () => {
  it("places a Chinese public IPv4 address by province and city", () => {
    expect(locateIp("114.114.114.114")).toEqual({ local: false, region: "中国 江苏省 南京市", isp: null });
    expect(locateIp("120.24.78.68")).toEqual({ local: false, region: "中国 广东省 深圳市", isp: "阿里云" });
    // An IPv4 client seen on a dual-stack socket.
    expect(locateIp("::ffff:114.114.114.114")).toMatchObject({ region: "中国 江苏省 南京市" });
  });

  it("places a public IPv6 address", () => {
    expect(locateIp("240e:47d:c20:1627:30a3:ba0d:a5e6:ec19")).toMatchObject({ local: false, region: "中国 广东省 广州市" });
    expect(locateIp("2001:4860:4860::8888")).toMatchObject({ local: false });
  });

  it("says 'local network' for private, loopback and link-local addresses", () => {
    const local = { local: true, region: null, isp: null };
    for (const ip of [
      "127.0.0.1",
      "10.0.0.1",
      "172.20.1.1",
      "192.168.1.10",
      "169.254.3.4",
      "100.64.0.1",
      "::1",
      "fe80::1",
      "fd12:3456::1",
      "::ffff:127.0.0.1",
    ]) {
      expect(locateIp(ip), ip).toEqual(local);
    }
    // Just outside the private ranges.
    expect(locateIp("172.32.0.1")?.local).toBe(false);
  });

  it("gives null for no address or garbage", () => {
    for (const ip of [null, undefined, "", "garbage", "1.2.3", "999.1.1.1", "1.2.3.4:5678", "<script>"]) expect(locateIp(ip), String(ip)).toBeNull();
  });
});
