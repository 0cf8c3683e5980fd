// Runs Coverwise as a process: builds the app, listens, and shuts down gracefully on SIGTERM/SIGINT
// (stop accepting connections, let in-flight requests finish, stop jobs, close the database and
// release the data-directory lock) in bounded time (src/platform/shutdown.ts). A second signal exits at once.
import { type BuildOptions, buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './platform/db/data-dir-lock.js';
import { exitOnTerminationSignals } from './platform/shutdown.js';

function fail(message: string): never {
  console.error(`Coverwise cannot start: ${message}`);
  process.exit(1);
}

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

export async function runServer(config: Config, options: BuildOptions = {}): Promise<void> {
  let built: Awaited<ReturnType<typeof buildApp>>;
  try {
    built = await buildApp(config, options);
  } catch (error) {
    if (error instanceof DataDirLockedError) fail(error.message);
    throw error;
  }

  const { app } = built;
  exitOnTerminationSignals({
    log: app.log,
    stop: () => built.close(),
    timeoutMs: config.shutdownTimeoutMs,
    finishing: 'in-flight requests',
  });

  const address = await app.listen({ port: config.port, host: config.host });
  const where =
    built.database.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL server';
  app.log.info(`Coverwise is serving on ${address} (database: ${where})`);
  // A line for people starting it from a terminal, whatever the log level.
  if (process.stdout.isTTY) console.log(`Coverwise is ready: ${address}  (API docs: ${address}/docs)`);
}
