import { defineConfig } from 'vitest/config';

// One test run covers every kind of test: unit and property tests beside the code
// (src/**/*.test.ts), real-database tests (PGlite always; PostgreSQL too when TEST_DATABASE_URL is
// set) and browser journeys (test/browser), after the build.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Two test files at a time. Vitest's default (cores − 1) runs them one by one on the 2-core
    // machines here, while much of a file's time is spent waiting on the servers, PostgreSQL and
    // Chromium it starts rather than in its own process.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
