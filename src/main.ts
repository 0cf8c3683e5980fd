// Entry point of `npm start`: the web process (with the job workers unless COVERWISE_RUN_JOBS=0).
// Tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) starts before the app's modules are loaded, so
// that its instrumentations see `http`, `fastify` and `pg` load.
import { loadConfigAndStartTracing } from './platform/telemetry/tracing.js';

const { config, tracing } = await loadConfigAndStartTracing('coverwise-web');
const { runServer } = await import('./server.js');
await runServer(config, { tracing });
