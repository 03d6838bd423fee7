import { listParams, type UrlReader } from "~/components/url-read";
import { PRODUCT_ORDER, type ApiProductListInput } from "~/lib/validators/api-product";

/** The product list's input from the URL. */
export function apiProductsInput(url: UrlReader): ApiProductListInput {
  const { params, slice } = listParams(url, PRODUCT_ORDER);
  return { name: url.get("name") || undefined, ...params, ...slice };
}
