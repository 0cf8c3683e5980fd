// Demo data for a newcomer's first run: with COVERWISE_DEMO on, an empty database gets one staff user
// of every role and a demo portfolio of contracts (both listed in the README). It runs in one
// transaction: all of it or none of it.

import type { Kysely } from 'kysely';
import { postContractsWritten } from '../accounting/journal.repository.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { insertContractsSkippingExisting, listContractNumbers } from '../contracts/contract.repository.js';
import { prepareContract } from '../contracts/contract-input.js';
import { insertDealer } from '../dealers/dealer.repository.js';
import { recordAudit, SYSTEM_ACTOR } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database, Role } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import { seedDemoFacilities } from '../repair-facilities/demo-facilities.js';
import { addDays, calendarDateInZone } from '../shared/calendar-date.js';
import { hashPassword } from '../users/password.js';
import { anyUserExists, insertUser } from '../users/user.repository.js';
import { demoContracts } from './demo-contracts.js';

export const DEMO_PASSWORD = 'coverwise-demo';

/** The day the demo portfolio goes on the books, in days before the seed: before any of its history. */
export const DEMO_BOOKS_OPEN_DAYS_AGO = 400;

export const DEMO_USERS: readonly {
  email: string;
  displayName: string;
  role: Role;
  approvalLimitCents?: number;
}[] = [
  { email: 'admin@coverwise.test', displayName: 'Avery Admin', role: 'admin' },
  { email: 'adjuster@coverwise.test', displayName: 'Jordan Adjuster', role: 'adjuster' },
  // The second adjuster of maker–checker: approves GAP benefits above Jordan's limit, up to $25,000.
  {
    email: 'lead@coverwise.test',
    displayName: 'Morgan Lead Adjuster',
    role: 'adjuster',
    approvalLimitCents: 2_500_000,
  },
  { email: 'reviewer@coverwise.test', displayName: 'Riley Reviewer', role: 'reviewer' },
  { email: 'shop@coverwise.test', displayName: 'Sam Service Advisor', role: 'repair_facility' },
];

/** The dealers of the demo portfolio (their codes are on the demo contracts). */
export const DEMO_DEALERS = [
  { code: 'D-1001', name: 'Plaza Honda', state: 'MO' },
  { code: 'D-2002', name: 'Sunflower Ford', state: 'KS' },
  { code: 'D-3003', name: 'Bay City Toyota', state: 'CA' },
] as const;

/** The demo dealer user: sells for Plaza Honda (D-1001) through the dealer portal. */
export const DEMO_DEALER_USER = {
  email: 'dealer@coverwise.test',
  displayName: 'Dana Dealer',
  role: 'dealer_user' as const,
  dealerCode: 'D-1001',
};

/** Seeds the demo data when the database holds no users yet; returns whether it did. */
export async function seedDemoData(
  db: Kysely<Database>,
  deps: { catalog: CatalogService; clock: Clock; timeZone: string },
): Promise<boolean> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const { version, catalog } = await deps.catalog.current();
  const today = calendarDateInZone(deps.clock.now(), deps.timeZone);
  return transactional(db)(async (trx) => {
    if (await anyUserExists(trx)) return false;
    for (const user of DEMO_USERS) {
      const row = await insertUser(trx, { ...user, passwordHash });
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'user.created',
        entityType: 'user',
        entityId: row.id,
        reason: 'demo data (COVERWISE_DEMO)',
        data: { email: row.email, role: row.role },
      });
    }
    for (const dealer of DEMO_DEALERS) {
      const row = await insertDealer(trx, {
        ...dealer,
        contactName: null,
        contactEmail: null,
        contactPhone: null,
        createdAt: deps.clock.now(),
      });
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'dealer.created',
        entityType: 'dealer',
        entityId: row.id,
        reason: 'demo data (COVERWISE_DEMO)',
        data: dealer,
      });
      if (dealer.code === DEMO_DEALER_USER.dealerCode) {
        const user = await insertUser(trx, { ...DEMO_DEALER_USER, passwordHash, dealerId: row.id });
        await recordAudit(trx, {
          actor: SYSTEM_ACTOR,
          action: 'user.created',
          entityType: 'user',
          entityId: user.id,
          reason: 'demo data (COVERWISE_DEMO)',
          data: { email: user.email, role: user.role, dealerId: row.id },
        });
      }
    }
    await seedDemoFacilities(trx, 'shop@coverwise.test');
    const rows = demoContracts(today, catalog).map(({ input }) => {
      const prepared = prepareContract(input, catalog, version, today);
      if (!prepared.ok)
        throw new Error(`demo contract ${input.contractNumber} is invalid: ${prepared.detail}`);
      return {
        ...prepared.row,
        contract_number: input.contractNumber,
        source: 'demo' as const,
        import_id: null,
      };
    });
    await insertContractsSkippingExisting(trx, rows);
    const inserted = await listContractNumbers(trx);
    await postContractsWritten(
      trx,
      { contractIds: inserted.map((contract) => contract.id) },
      {
        eventType: 'contracts_seeded',
        eventId: 'demo',
        eventKey: 'contracts_seeded:demo',
        // The demo's books open before its history (demo-history.ts, up to about a year back): its
        // backdated cancellations and lender events release premium that must already be on the books,
        // or unearned premium would be a debit balance at the month ends between them and today.
        effectiveOn: addDays(today, -DEMO_BOOKS_OPEN_DAYS_AGO),
        memo: 'Demo contracts written (COVERWISE_DEMO)',
        actor: SYSTEM_ACTOR,
      },
    );
    for (const contract of inserted) {
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'contract.created',
        entityType: 'contract',
        entityId: contract.id,
        reason: 'demo data (COVERWISE_DEMO)',
        data: {
          contractNumber: contract.contract_number,
          planCode: contract.plan_code,
          catalogVersion: version,
        },
      });
    }
    return true;
  });
}
