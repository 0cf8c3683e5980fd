// The staff search box's lookups read through indexes (migration 0027), never a sequential scan of the
// contract registry: checked with EXPLAIN on a synthetic portfolio, on both engines.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticVin } from '../../bench/portfolio.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { captureQueries, openSyntheticPortfolio, sequentialScans } from '../../test/support/explain.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import {
  contractsByName,
  contractsByNumber,
  contractsByPhone,
  contractsByVinSuffix,
} from './search.repository.js';

const PORTFOLIO = 5_000;

describeEachEngine('staff search uses indexes', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openSyntheticPortfolio(engine, PORTFOLIO, (row, i) => ({
      ...row,
      holder_phone: `(816) 55${String(i).padStart(5, '0')}`,
    }));
  });
  afterAll(() => handle.close());

  type Run = (db: DatabaseHandle['db']) => Promise<unknown>;
  it.each<[string, Run]>([
    ['contract number', (db) => contractsByNumber(db, 'BENCH-000004242', 20)],
    ['whole VIN', (db) => contractsByVinSuffix(db, syntheticVin(4242), 20)],
    ['last 6 of a VIN', (db) => contractsByVinSuffix(db, syntheticVin(4242).slice(-6), 20)],
    ['phone (last ten digits)', (db) => contractsByPhone(db, '8165504242', 20)],
    ['last-name prefix', (db) => contractsByName(db, { lastKey: 'holder42', firstPrefix: null }, 20)],
    ['first and last name', (db) => contractsByName(db, { lastKey: 'holder42', firstPrefix: 'a' }, 20)],
  ])('%s', async (_name, run) => {
    const queries = await captureQueries(handle.db, run);
    expect(queries.length).toBeGreaterThan(0);
    expect(await sequentialScans(handle.db, queries)).toEqual([]);
  });
});
