import { defineConfig } from "vitest/config";

// The slow tier (coverage studies): npx vitest run --config vitest.slow.config.ts
export default defineConfig({
  test: {
    include: ["test/**/*.slow.test.ts"],
    testTimeout: 900_000,
    pool: "forks",
  },
});
