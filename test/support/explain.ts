// Checks that hot queries use indexes: runs the real repository function with a plugin that captures
// the SQL it sends, then asks PostgreSQL for the plan of each captured query.
import { CompiledQuery, type Kysely, type KyselyPlugin, type RootOperationNode, sql } from 'kysely';
import { syntheticRows } from '../../bench/portfolio.js';
import { insertCatalogVersion } from '../../src/catalog/catalog.repository.js';
import { loadDefaultCatalog } from '../../src/catalog/default-catalog.js';
import { insertContractsSkippingExisting } from '../../src/contracts/contract.repository.js';
import type { DatabaseHandle } from '../../src/platform/db/database.js';
import type { Database, NewContractRow } from '../../src/platform/db/schema.js';
import { openTestDatabase, type TestEngine } from './engines.js';

export async function captureQueries<T>(
  db: Kysely<Database>,
  run: (db: Kysely<Database>) => Promise<T>,
): Promise<CompiledQuery[]> {
  const nodes: RootOperationNode[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      nodes.push(args.node);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const withCapture = db.withPlugin(plugin);
  await run(withCapture);
  return nodes.map((node) => withCapture.getExecutor().compileQuery(node, { queryId: 'explain' } as never));
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function walk(node: PlanNode, out: PlanNode[]): PlanNode[] {
  out.push(node);
  for (const child of node.Plans ?? []) walk(child, out);
  return out;
}

/** The tables each captured query reads with a sequential scan. */
export async function sequentialScans(db: Kysely<Database>, queries: CompiledQuery[]): Promise<string[]> {
  const scans: string[] = [];
  for (const query of queries) {
    const explained = await db.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
    );
    const raw = explained.rows[0]!['QUERY PLAN'];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw)[0].Plan as PlanNode;
    for (const node of walk(plan, [])) {
      if (node['Node Type'] === 'Seq Scan') scans.push(node['Relation Name'] ?? '?');
    }
  }
  return scans;
}

export async function analyze(db: Kysely<Database>): Promise<void> {
  await sql`analyze`.execute(db);
}

/**
 * A fresh database of `engine` holding `count` synthetic contracts (bench/portfolio.ts) on the default
 * catalog, analyzed, so plans are those of a real portfolio; `adjust` may change each row first.
 */
export async function openSyntheticPortfolio(
  engine: TestEngine,
  count: number,
  adjust: (row: NewContractRow, index: number) => NewContractRow = (row) => row,
): Promise<DatabaseHandle> {
  const handle = await openTestDatabase(engine);
  const catalog = loadDefaultCatalog();
  await insertCatalogVersion(handle.db, { version: 1, document: catalog, publishedBy: 'test', note: null });
  let batch: NewContractRow[] = [];
  let index = 0;
  for (const row of syntheticRows(count, catalog, 1)) {
    batch.push(adjust(row, index++));
    if (batch.length === 2000) {
      await insertContractsSkippingExisting(handle.db, batch);
      batch = [];
    }
  }
  await insertContractsSkippingExisting(handle.db, batch);
  await analyze(handle.db);
  return handle;
}
