// Checks that hot queries use indexes: runs the real repository function with a plugin that captures
// the SQL it sends, then asks PostgreSQL for the plan of each captured query.
import { CompiledQuery, type Kysely, type KyselyPlugin, type RootOperationNode, sql } from 'kysely';
import type { Database } from '../../src/platform/db/schema.js';

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
