import { defineConfig } from 'vitest/config';

// One test run covers every kind of test: unit and property tests beside the code
// (src/**/*.test.ts), real-database tests (PGlite always; PostgreSQL too when TEST_DATABASE_URL is
// set) and browser journeys (test/browser), after the build.
//
// The tests that start whole server processes (and restart them, or a database) run on their own,
// one file at a time, after the rest: each of them keeps both cores busy while it starts servers,
// and two of them beside each other, or beside the browser journeys, starved each other on a busy
// machine. They wait on conditions (a line in the output, a committed row, a file), never on fixed
// time budgets; their timeouts are only a guard against a hang.
const PROCESS_TESTS = [
  'test/process/**/*.test.ts',
  'test/security/crash-safety.test.ts',
  'test/security/log-privacy.test.ts',
  'test/build/server-build.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: PROCESS_TESTS,
          // Two test files at a time. Vitest's default (cores − 1) runs them one by one on the 2-core
          // machines here, while much of a file's time is spent waiting on the servers, PostgreSQL and
          // Chromium it starts rather than in its own process.
          maxWorkers: 2,
          // Test files share their worker's module cache (each still builds its own app and database):
          // loading the app's modules in a fresh process for every file took 150 s of the run, and
          // the main project went from 700 s to under 300 s on the 2-core machine (2026-12-04). No
          // test file mocks modules or changes process-wide state, so nothing leaks between files.
          isolate: false,
          // Hang guards, not speed budgets: on the shared 2-core machine (load average ~30) building
          // the app for the OpenAPI check took 88 s and the fuzz test 61 s, against 60 s budgets that
          // were sized for an idle box. No test measures speed by its timeout (the bench does).
          testTimeout: 300_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'process',
          include: PROCESS_TESTS,
          maxWorkers: 1,
          // Tests in a file run one after another (vitest's default); files one at a time.
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
