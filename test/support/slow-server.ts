// The real server process with one extra, deliberately slow route, so a test can send SIGTERM while a
// request is in flight. Started as a child process by test/process tests.
import { loadConfigOrExit, runServer } from '../../src/server.js';

await runServer(loadConfigOrExit(), {
  extraRoutes(app) {
    app.get('/test/slow', { config: { access: 'public' } }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { finished: true };
    });
  },
});
