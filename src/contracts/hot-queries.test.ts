// The queries a busy day repeats (coverage by VIN, holder sign-in, contract search)
// read through indexes, never a sequential scan of the registry.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticVin } from '../../bench/portfolio.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { captureQueries, openSyntheticPortfolio, sequentialScans } from '../../test/support/explain.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import {
  findContractById,
  findContractsByVin,
  findServiceContractsByVin,
  listContracts,
} from './contract.repository.js';

const PORTFOLIO = 20_000;

describeEachEngine('hot queries use indexes', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openSyntheticPortfolio(engine, PORTFOLIO);
  });
  afterAll(() => handle.close());

  type Run = (db: DatabaseHandle['db']) => Promise<unknown>;
  it.each<[string, Run]>([
    [
      'holder sign-in and repair claims: contracts by VIN',
      (db: DatabaseHandle['db']) => findContractsByVin(db, syntheticVin(4242)),
    ],
    [
      'coverage: service contracts by VIN, coverage columns',
      (db: DatabaseHandle['db']) => findServiceContractsByVin(db, syntheticVin(4242)),
    ],
    [
      'contract by id',
      (db: DatabaseHandle['db']) => findContractById(db, '00000000-0000-4000-8000-000000000000'),
    ],
    [
      'search by last-name prefix',
      (db: DatabaseHandle['db']) => listContracts(db, { lastNameKeyPrefix: 'holder42' }, { limit: 20 }),
    ],
    [
      'search by contract number',
      (db: DatabaseHandle['db']) => listContracts(db, { contractNumber: 'BENCH-000004242' }, { limit: 20 }),
    ],
  ])('%s', async (_name, run) => {
    const queries = await captureQueries(handle.db, run);
    expect(queries.length).toBeGreaterThan(0);
    expect(await sequentialScans(handle.db, queries)).toEqual([]);
  });
});
