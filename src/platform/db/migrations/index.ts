// Every migration, in order. A static list (rather than reading a folder at run time) keeps the
// compiled server and the TypeScript sources in step and lets the bundle know all of them.
import type { Migration } from 'kysely';
import * as m0001 from './0001-foundation.js';
import * as m0002 from './0002-catalog-and-contracts.js';
import * as m0003 from './0003-ledger-and-documents.js';
import * as m0004 from './0004-cancellations-transfers.js';
import * as m0005 from './0005-repair-claims-benefits.js';
import * as m0006 from './0006-gap-claims.js';

export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-catalog-and-contracts': m0002,
  '0003-ledger-and-documents': m0003,
  '0004-cancellations-transfers': m0004,
  '0005-repair-claims-benefits': m0005,
  '0006-gap-claims': m0006,
};
