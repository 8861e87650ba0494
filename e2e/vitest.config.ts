import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['specs/**/*.spec.ts'],
    globalSetup: ['support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One journey at a time: each drives a real server and a real browser on two cores.
    fileParallelism: false,
    // The verbose reporter prints each journey's annotations: the screenshots attached to it.
    reporters: ['verbose'],
  },
});
