// Starts Coverwise: reads the settings, opens the database (migrating it), seeds demo data when asked,
// serves the API and the web app, and shuts down gracefully on SIGTERM/SIGINT.
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './platform/db/data-dir-lock.js';

function fail(message: string): never {
  console.error(`Coverwise cannot start: ${message}`);
  process.exit(1);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

let built: Awaited<ReturnType<typeof buildApp>>;
try {
  built = await buildApp(config);
} catch (error) {
  if (error instanceof DataDirLockedError) fail(error.message);
  throw error;
}

const { app } = built;
let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) {
    app.log.warn(`${signal} again: exiting now`);
    process.exit(1);
  }
  shuttingDown = true;
  app.log.info(`${signal}: finishing in-flight requests, then closing the database`);
  const deadline = setTimeout(() => {
    app.log.error('shutdown took longer than 25 s; exiting');
    process.exit(1);
  }, 25_000);
  deadline.unref();
  await built.close();
  app.log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

const address = await app.listen({ port: config.port, host: config.host });
app.log.info(
  `Coverwise is serving on ${address} (database: ${built.database.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL server'})`,
);
