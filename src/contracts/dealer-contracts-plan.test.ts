// A dealer's contracts list (listDealerContracts) reads a page as a range of the index of migration
// 0052, in the list's order: no sort of every contract the dealer sold, no sequential scan, on the first
// page and on a page continued from a cursor, with thousands of contracts per dealer.
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { captureQueries, openSyntheticPortfolio } from '../../test/support/explain.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { listDealerContracts } from './contract.repository.js';

const PORTFOLIO = 4_000;
const DEALERS = [
  'd0d0d0d0-0000-4000-8000-000000000001',
  'd0d0d0d0-0000-4000-8000-000000000002',
  'd0d0d0d0-0000-4000-8000-000000000003',
  'd0d0d0d0-0000-4000-8000-000000000004',
];

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

describeEachEngine('the dealer contracts list reads its index in order', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    // Every contract sold by one of four dealers; no foreign key names the dealer (migration 0016).
    handle = await openSyntheticPortfolio(engine, PORTFOLIO, (row, index) => ({
      ...row,
      dealer_id: DEALERS[index % DEALERS.length]!,
    }));
  });
  afterAll(() => handle?.close());

  async function plans(startingAfter?: string) {
    const queries = await captureQueries(handle.db, (db) =>
      listDealerContracts(db, DEALERS[1]!, { limit: 20, startingAfter }),
    );
    const listing = queries.at(-1)!;
    const explained = await handle.db.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (format json) ${listing.sql}`, [...listing.parameters]),
    );
    const raw = explained.rows[0]!['QUERY PLAN'];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
    return nodes(plan[0].Plan);
  }

  it('reads the first page from the index, without a sort', async () => {
    const read = await plans();
    expect(read.map((node) => node['Node Type'])).not.toContain('Sort');
    expect(read.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(read.map((node) => node['Index Name'])).toContain('contracts_dealer_sale_order_idx');
  });

  it('reads a page after a cursor from the index, without a sort', async () => {
    const [, , cursor] = (await listDealerContracts(handle.db, DEALERS[1]!, { limit: 20 }))!;
    const read = await plans(cursor!.id);
    expect(read.map((node) => node['Node Type'])).not.toContain('Sort');
    const scans = read.filter((node) => node['Node Type'] === 'Seq Scan');
    expect(scans).toEqual([]);
    expect(read.map((node) => node['Index Name'])).toContain('contracts_dealer_sale_order_idx');
  });
});
