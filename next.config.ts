import type { NextConfig } from "next";
import { readEnv } from "./server/env";

// Bad environment fails the build (and the start) with a clear list of what is wrong.
readEnv();

const nextConfig: NextConfig = {
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "@node-rs/argon2", "undici", "gpt-tokenizer"],
  poweredByHeader: false,
  devIndicators: { position: "bottom-right" },
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
