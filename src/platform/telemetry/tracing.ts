// OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector (OTLP over HTTP).
// Each request gives a server span (node:http), Fastify's request and handler spans under it, and a
// span per database query (pg) under those, with the request id as the `coverwise.request_id`
// attribute. The instrumentations patch `http`, `fastify` and `pg` as they load, so tracing must start
// before the app's modules are imported: main.ts and worker.ts start it first, then import the app.
// With no endpoint nothing here is loaded.
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface Tracing {
  /** Sends the spans still buffered and stops; call once, after the app has closed. */
  shutdown(): Promise<void>;
}

export const REQUEST_ID_ATTRIBUTE = 'coverwise.request_id';
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Starts tracing for this process. `exporter` replaces the OTLP exporter (tests pass an in-memory
 * one); spans then go out one by one instead of in batches.
 */
export async function startTracing(options: {
  serviceName: string;
  endpoint?: string;
  exporter?: SpanExporter;
}): Promise<Tracing> {
  const [
    { NodeTracerProvider },
    { BatchSpanProcessor, SimpleSpanProcessor },
    { resourceFromAttributes },
    { registerInstrumentations },
    { HttpInstrumentation },
    { PgInstrumentation },
    { FastifyOtelInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@fastify/otel'),
  ]);
  let processor: InstanceType<typeof BatchSpanProcessor> | InstanceType<typeof SimpleSpanProcessor>;
  if (options.exporter) processor = new SimpleSpanProcessor(options.exporter);
  else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    // The exporter reads the OTEL_EXPORTER_OTLP_* variables (endpoint, headers, timeout) itself;
    // an explicit endpoint is the collector's base URL, to which /v1/traces is added.
    const url = options.endpoint ? `${options.endpoint.replace(/\/+$/, '')}/v1/traces` : undefined;
    processor = new BatchSpanProcessor(new OTLPTraceExporter(url ? { url } : {}));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would drown the traces that matter.
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
        // Outgoing calls (the S3 store, webhooks, SMTP) are traced only inside a request's trace.
        requireParentforOutgoingSpans: true,
        // The request id is known once Fastify has answered (it sets X-Request-Id on every response).
        applyCustomAttributesOnSpan: (span, _request, response) => {
          const id = 'getHeader' in response ? response.getHeader('x-request-id') : undefined;
          if (typeof id === 'string') span.setAttribute(REQUEST_ID_ATTRIBUTE, id);
        },
      }),
      new PgInstrumentation({ requireParentSpan: true }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route) => UNTRACED_PATHS.has(route.url),
      }),
    ],
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}

/**
 * Loads the settings and starts tracing when they name an OTLP endpoint, before anything imports
 * `http`, `fastify` or `pg`; a bad setting stops the process with its message, as at any start.
 */
export async function loadConfigAndStartTracing(serviceName: string) {
  const { ConfigError, loadConfig } = await import('../../config.js');
  let config: import('../../config.js').Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Coverwise cannot start: ${error.message}`);
    process.exit(1);
  }
  const tracing = config.otlpEndpoint
    ? await startTracing({ serviceName, endpoint: config.otlpEndpoint })
    : null;
  return { config, tracing };
}
