// Entry point of `npm run worker`: a process that runs only the background job processors (SLA
// sweeps, notifications, purges) and serves no HTTP, so web processes and workers scale apart on one
// PostgreSQL server. With the embedded PGlite there is one process only: run `npm start` instead,
// which runs the workers itself.
import { loadConfigAndStartTracing } from './platform/telemetry/tracing.js';

// Tracing first (when configured), then the app's modules, so that `pg` is instrumented as it loads.
const started = await loadConfigAndStartTracing('coverwise-worker');
const { buildApp } = await import('./app.js');
const { DataDirLockedError } = await import('./platform/db/data-dir-lock.js');
const { exitOnTerminationSignals } = await import('./platform/shutdown.js');
const config = { ...started.config, runJobs: true, webDir: null };
if (!config.databaseUrl) {
  console.error(
    'Coverwise worker: the embedded database serves one process only, and `npm start` already runs the workers. ' +
      'Set DATABASE_URL to run separate workers beside web processes.',
  );
  process.exit(1);
}
let built: Awaited<ReturnType<typeof buildApp>>;
try {
  built = await buildApp(config, { processKind: 'worker', tracing: started.tracing });
} catch (error) {
  if (error instanceof DataDirLockedError) {
    console.error(`Coverwise worker cannot start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
built.app.log.info('Coverwise worker is running the job processors');
exitOnTerminationSignals({
  log: built.app.log,
  stop: () => built.close(),
  timeoutMs: config.shutdownTimeoutMs,
  finishing: 'running jobs',
});
