import { defineConfig } from 'vitest/config';

// One test run covers every kind of test: unit and property tests beside the code
// (src/**/*.test.ts), real-database tests (PGlite always; PostgreSQL too when TEST_DATABASE_URL is
// set) and browser journeys (test/browser). Browser tests run in one worker after the build.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
