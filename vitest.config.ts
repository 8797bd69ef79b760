import { defineConfig } from 'vitest/config';

// Separate projects so each kind of test can be run alone (`vitest --project unit`).
export default defineConfig({
  // One graphql-js for everything: vite would resolve `graphql` to its ESM build for
  // our sources while Pothos and yoga, loaded by Node, get the CommonJS one, and
  // graphql refuses types from "another module or realm". Projects extend this.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    projects: [
      // Timeouts here only catch hangs: exhaustive checks must not fail because the machine is busy.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: ['test/e2e/replicas/**'], testTimeout: 120_000, hookTimeout: 60_000 } },
      // Several gateway processes under load behind HAProxy: run after every other project, alone on the machine.
      { extends: true, test: { name: 'replicas', include: ['test/e2e/replicas/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 120_000, fileParallelism: false, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 } },
    ],
  },
});
