// Background jobs run on pg-boss in the same database as everything else, so a job is queued in the
// same transaction as the change that asks for it, and any number of worker processes can share the
// queue on one PostgreSQL server. Recurring jobs are cron schedules kept by pg-boss in the database.
import type { FastifyBaseLogger } from 'fastify';
import PgBoss from 'pg-boss';

export interface RecurringJob {
  name: string;
  /** Cron expression (UTC). */
  cron: string;
  description: string;
  run(): Promise<Record<string, unknown> | undefined>;
}

export interface JobRunner {
  readonly boss: PgBoss;
  stop(): Promise<void>;
}

export async function startJobs(options: {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  logger: FastifyBaseLogger;
  recurring: RecurringJob[];
  /** When false the process only queues jobs (a web process beside separate workers). */
  runWorkers: boolean;
  /** How often idle workers look for new jobs (pg-boss polls; default 2 s). */
  pollingIntervalSeconds?: number;
}): Promise<JobRunner> {
  const boss = new PgBoss({
    db: {
      executeSql: (text: string, values: unknown[]) =>
        options.executeSql(text, values) as Promise<{ rows: never[] }>,
    },
    schema: 'pgboss',
    supervise: options.runWorkers,
    schedule: options.runWorkers,
    migrate: true,
  });
  boss.on('error', (error) => options.logger.error({ err: error }, 'job queue error'));
  await boss.start();
  for (const job of options.recurring) {
    await boss.createQueue(job.name);
    if (options.runWorkers) {
      await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
      await boss.work(job.name, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async () => {
        const started = Date.now();
        const summary = await job.run();
        options.logger.info({ job: job.name, ms: Date.now() - started, ...summary }, 'job finished');
      });
    }
  }
  return {
    boss,
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000, close: false });
    },
  };
}
