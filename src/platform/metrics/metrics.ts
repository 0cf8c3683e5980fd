// Prometheus metrics (prom-client), served at GET /metrics. Counters and histograms are updated as
// things happen (requests, queries, import batches, SLA escalations); the gauges that describe the
// database (pool use, job queues, overdue reviews, running imports) are read when Prometheus scrapes,
// with one cheap indexed query each, so nothing polls in between.
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';

/** Seconds; from a cached lookup (~1 ms) to a slow report or upload (10 s). */
const HTTP_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

export interface ImportProgressCounts {
  rowsRead: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** One reading of the database-side gauges, taken at scrape time. */
export interface DatabaseGauges {
  pool(): { total: number; idle: number; waiting: number; max: number };
  /** Per pg-boss queue: jobs ready and waiting for a worker, and how long the oldest has waited. */
  queues(): Promise<Array<{ queue: string; waiting: number; oldestWaitingSeconds: number }>>;
  /** Document reviews still pending past their due date (the SLA breached now), escalated or not yet. */
  overdueReviews(): Promise<{ notEscalated: number; escalated: number }>;
  /** Dealer-file imports running now, and the rows they have read so far. */
  runningImports(): Promise<{ runs: number; rowsRead: number }>;
}

export function createMetrics(options: { process: 'web' | 'worker' } = { process: 'web' }) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ process: options.process });
  client.collectDefaultMetrics({ register: registry, prefix: 'coverwise_' });

  const httpRequests = new client.Counter({
    name: 'coverwise_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: 'coverwise_http_request_duration_seconds',
    help: 'Time from request to response, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const queryDuration = new client.Histogram({
    name: 'coverwise_db_query_duration_seconds',
    help: 'Duration of the queries the app runs through Kysely, by outcome',
    labelNames: ['outcome'] as const,
    buckets: QUERY_BUCKETS,
    registers: [registry],
  });
  const importRows = new client.Counter({
    name: 'coverwise_import_rows_total',
    help: 'Dealer-file rows processed by imports in this process, by outcome (accepted, duplicate, rejected)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const reviewEscalations = new client.Counter({
    name: 'coverwise_document_review_sla_breaches_total',
    help: 'Document reviews escalated for passing their due date (counted by the process that ran the sweep)',
    registers: [registry],
  });

  let gauges: DatabaseGauges | null = null;
  new client.Gauge({
    name: 'coverwise_db_pool_connections',
    help: 'Database connections of this process: open (total), idle, requests waiting for one, and the maximum',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      if (!gauges) return;
      const pool = gauges.pool();
      this.set({ state: 'total' }, pool.total);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
      this.set({ state: 'max' }, pool.max);
    },
  });
  // The queues are read once per scrape, by the first of the two gauges (the registry collects
  // metrics in the order they were registered); the second reports the same reading.
  let queueReading: Awaited<ReturnType<DatabaseGauges['queues']>> = [];
  new client.Gauge({
    name: 'coverwise_job_queue_waiting',
    help: 'Jobs ready to run and waiting for a worker, per pg-boss queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      if (!gauges) return;
      // A database that does not answer leaves the queue gauges empty rather than failing the scrape.
      queueReading = await gauges.queues().catch(() => []);
      this.reset();
      for (const row of queueReading) this.set({ queue: row.queue }, row.waiting);
    },
  });
  new client.Gauge({
    name: 'coverwise_job_queue_oldest_waiting_seconds',
    help: 'How long the oldest job ready to run has waited, per pg-boss queue (0 when none waits)',
    labelNames: ['queue'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const row of queueReading) this.set({ queue: row.queue }, row.oldestWaitingSeconds);
    },
  });
  new client.Gauge({
    name: 'coverwise_document_reviews_overdue',
    help:
      'Document reviews pending past their due date now (SLA breached, not yet reviewed), by whether the ' +
      'sweep has escalated them; read from the database, so every process reports the same figure',
    labelNames: ['escalated'] as const,
    registers: [registry],
    async collect() {
      if (!gauges) return;
      const overdue = await gauges.overdueReviews().catch(() => null);
      if (overdue === null) return;
      this.set({ escalated: 'false' }, overdue.notEscalated);
      this.set({ escalated: 'true' }, overdue.escalated);
    },
  });
  // Likewise one reading for both import gauges.
  let importReading: { runs: number; rowsRead: number } | null = null;
  new client.Gauge({
    name: 'coverwise_imports_running',
    help: 'Dealer-file imports running now (all processes)',
    registers: [registry],
    async collect() {
      if (!gauges) return;
      importReading = await gauges.runningImports().catch(() => null);
      if (importReading) this.set(importReading.runs);
    },
  });
  new client.Gauge({
    name: 'coverwise_imports_running_rows_read',
    help: 'Rows read so far by the dealer-file imports running now (all processes)',
    registers: [registry],
    collect() {
      if (importReading) this.set(importReading.rowsRead);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    /** The gauges read at scrape time, once the database is open. */
    attachDatabase(source: DatabaseGauges) {
      gauges = source;
    },
    observeQuery(durationMs: number, failed: boolean) {
      queryDuration.observe({ outcome: failed ? 'error' : 'ok' }, durationMs / 1000);
    },
    /** Counts request, route pattern (never the raw URL: ids would explode the series) and status. */
    installHttpHooks(app: FastifyInstance) {
      app.addHook('onResponse', (request, reply, done) => {
        const labels = {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: String(reply.statusCode),
        };
        httpRequests.inc(labels);
        httpDuration.observe(labels, reply.elapsedTime / 1000);
        done();
      });
    },
    /** An onProgress callback for one import: adds each batch's rows to the counters. */
    importProgress() {
      let last: ImportProgressCounts = { rowsRead: 0, accepted: 0, duplicates: 0, rejected: 0 };
      return (progress: ImportProgressCounts) => {
        importRows.inc({ outcome: 'accepted' }, progress.accepted - last.accepted);
        importRows.inc({ outcome: 'duplicate' }, progress.duplicates - last.duplicates);
        importRows.inc({ outcome: 'rejected' }, progress.rejected - last.rejected);
        last = { ...progress };
      };
    },
    reviewsEscalated(count: number) {
      if (count > 0) reviewEscalations.inc(count);
    },
    async render(): Promise<string> {
      return registry.metrics();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
