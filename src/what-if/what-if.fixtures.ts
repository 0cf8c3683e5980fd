// Test fixtures for the dashboard and what-if suites: claims written straight into the tables, as the
// claim services would have left them, so a test can place them at any date and status.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, RepairClaimStatus } from '../platform/db/schema.js';

async function anyFacilityId(db: Kysely<Database>): Promise<string> {
  const existing = await db.selectFrom('repair_facilities').select('id').executeTakeFirst();
  if (existing) return existing.id;
  const inserted = await db
    .insertInto('repair_facilities')
    .values({
      name: 'Fixture Garage',
      address_line1: '1 Test Street',
      city: 'Springfield',
      region: 'MO',
      postal_code: '65801',
      country: 'US',
      labor_rate_cents: 12_000,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function insertRepairClaim(
  db: Kysely<Database>,
  options: { contractId: string; submittedAt: string; status?: RepairClaimStatus },
): Promise<string> {
  const contract = await db
    .selectFrom('contracts')
    .select(['vin', 'odometer_at_sale'])
    .where('id', '=', options.contractId)
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('repair_claims')
    .values({
      claim_number: `RC-FIX-${randomUUID().slice(0, 8)}`,
      contract_id: options.contractId,
      facility_id: await anyFacilityId(db),
      status: options.status ?? 'authorized',
      vin: contract.vin,
      odometer: contract.odometer_at_sale + 1_000,
      complaint: 'Noise',
      cause: 'Worn part',
      correction: 'Replace part',
      submitted_by: 'fixture',
      submitted_at: options.submittedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A rental claim on a new authorized repair claim; each expense a line as the rental service stores it. */
export async function insertRentalClaim(
  db: Kysely<Database>,
  options: { contractId: string; createdAt: string; expenses: { date: string; requestedCents: number }[] },
): Promise<string> {
  const repairClaimId = await insertRepairClaim(db, {
    contractId: options.contractId,
    submittedAt: options.createdAt,
  });
  const lines = options.expenses.map((e) => ({
    label: `${e.date} rental car`,
    amountCents: e.requestedCents,
    date: e.date,
    kind: 'rental',
    requestedCents: e.requestedCents,
    payableCents: e.requestedCents,
    limitsApplied: [],
  }));
  const total = options.expenses.reduce((sum, e) => sum + e.requestedCents, 0);
  const row = await db
    .insertInto('rental_claims')
    .values({
      contract_id: options.contractId,
      repair_claim_id: repairClaimId,
      status: 'submitted',
      requested_cents: total,
      payable_cents: total,
      lines: JSON.stringify(lines),
      created_by: 'fixture',
      created_at: options.createdAt,
      // The what-if replays limits, not review deadlines: any due date will do.
      review_due_on: options.createdAt.slice(0, 10),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
