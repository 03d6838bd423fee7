import { flagFrom, listParams, type UrlReader } from "~/components/url-read";
import { CLIENT_ORDER } from "~/lib/validators/values";
import type { ClientListInput } from "~/lib/validators/client";

/** The client list's input from the URL. */
export function clientsInput(url: UrlReader): ClientListInput {
  const { params, slice } = listParams(url, CLIENT_ORDER);
  return { name: url.get("name") || undefined, enabled: flagFrom(url, "enabled"), ...params, ...slice };
}
