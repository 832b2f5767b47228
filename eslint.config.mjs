import coreWebVitals from "eslint-config-next/core-web-vitals";
import typescript from "eslint-config-next/typescript";

const config = [
  ...coreWebVitals,
  ...typescript,
  { ignores: [".next/**", "dist/**", "node_modules/**", "test-results/**", "playwright-report/**", ".scratch/**", "next-env.d.ts"] },
  { rules: { "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }] } },
  // The data plane runs in gateway-only replicas without Next.js (README "Deployment"): nothing it imports may
  // reach the console side. scripts/gateway-bundle-check.mjs checks the built bundle as well.
  {
    files: ["gateway.ts", "server/gateway/**/*.ts", "server/providers/**/*.ts", "server/serve/**/*.ts", "server/security/**/*.ts", "server/crypto/**/*.ts", "server/env.ts", "server/logger.ts", "db/**/*.ts"],
    ignores: ["**/*.test.ts", "**/__tests__/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["next", "next/*", "next-auth", "next-auth/*", "@auth/*", "react", "react-dom", "react/*", "@trpc/*", "@tanstack/*", "recharts"], message: "The data plane must not load the console's framework (gateway-only replicas run without Next.js)." },
            { group: ["@/app/*", "@/server/api/*", "@/server/auth/*", "@/server/admin/*", "@/server/bootstrap", "@/proxy"], message: "The data plane must not import console code (gateway-only replicas run without it)." },
          ],
        },
      ],
    },
  },
];

export default config;
