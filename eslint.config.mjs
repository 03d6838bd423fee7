// ESLint flat config: Next's core-web-vitals rules (react, react-hooks, jsx-a11y, @next/next)
// and typescript-eslint's recommended rules; `npm run lint` fails on any warning.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", "node_modules/**", "src/generated/**", "test-results/**", "playwright-report/**", "next-env.d.ts", ".data/**"]),
  {
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring a field away, unused params).
      // Every image we show is a tenant's own upload served by /api/files behind the caller's
      // session cookie, already re-encoded on upload: next/image's optimiser would fetch it
      // server-side without that cookie (and resize what needs no resizing).
      "@next/next/no-img-element": "off",
      "@typescript-eslint/no-unused-vars": [
        "warn",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Links prefetch on intent (src/components/app-link.tsx says why).
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "next/link", message: "Import Link from ~/components/app-link (it prefetches on intent, not on sight)." }] },
      ],
    },
  },
  { files: ["src/components/app-link.tsx"], rules: { "no-restricted-imports": "off" } },
]);
