// The real server process with one extra route that stays in flight until the process receives
// SIGTERM, so a test can check that a request already being served finishes during shutdown (without
// guessing how long the request takes to arrive). Started as a child process by test/process tests.
import { loadConfigOrExit, runServer } from '../../src/server.js';

// With COVERWISE_TEST_BLOCK_EXIT=1 the process blocks its main thread for good while exiting, as a
// log sink's synchronous flush that never returns would: only the shutdown watchdog can end it.
if (process.env.COVERWISE_TEST_BLOCK_EXIT === '1') {
  process.on('exit', () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });
}

await runServer(loadConfigOrExit(), {
  extraRoutes(app) {
    app.get('/test/slow', { config: { access: 'public' } }, async (request) => {
      const terminated = new Promise((resolve) => process.once('SIGTERM', resolve));
      request.log.info('slow request in flight');
      await terminated;
      return { finished: true };
    });
  },
});
