// The SQL of payment runs: the payables open today (from the records that say a payment is due), runs
// and their items, locking a payable's source before paying it, and the settlement row that makes a
// payable paid once (primary key on the source: a racing run's insert waits, then finds it taken).
import { type Kysely, sql } from 'kysely';
import type {
  BankAccountType,
  Database,
  PayableSourceType,
  PaymentItemStatus,
} from '../platform/db/schema.js';
import type { Form1099Row } from './form-1099-nec.js';

export interface Payable {
  sourceType: PayableSourceType;
  sourceId: string;
  contractId: string;
  payeeType: 'repair_facility' | 'holder' | 'lienholder';
  payeeName: string;
  facilityId: string | null;
  amountCents: number;
  bankRoutingNumber: string | null;
  bankAccountNumber: string | null;
  bankAccountType: BankAccountType | null;
  reference: string;
}

/**
 * What is owed and not yet paid by a run: repair authorizations (to the shop), rental and trip
 * reimbursements claims staff approved and completed tows (to the holder), cancellation refunds (to the holder or
 * lienholder the cancellation named), approved GAP benefits (to the lienholder). Settled payables
 * and payables an admin blocked after an OFAC match are left out. Oldest first, at most `limit`.
 */
export async function openPayables(db: Kysely<Database>, limit: number): Promise<Payable[]> {
  const result = await sql<{
    source_type: PayableSourceType;
    source_id: string;
    contract_id: string;
    payee_type: Payable['payeeType'];
    payee_name: string;
    facility_id: string | null;
    amount_cents: number;
    bank_routing_number: string | null;
    bank_account_number: string | null;
    bank_account_type: BankAccountType | null;
    reference: string;
  }>`
    with payables as (
      select 'repair_claim' as source_type, rc.id as source_id, rc.contract_id, 'repair_facility' as payee_type,
             f.name as payee_name, f.id as facility_id, rc.payable_cents::bigint as amount_cents,
             f.bank_routing_number, f.bank_account_number, f.bank_account_type,
             coalesce(rc.authorization_number, rc.claim_number) as reference, rc.decided_at as due_since
        from repair_claims rc join repair_facilities f on f.id = rc.facility_id
       where rc.status = 'authorized' and rc.payable_cents > 0
      union all
      select 'rental_claim', r.id, r.contract_id, 'holder', c.holder_first_name || ' ' || c.holder_last_name, null,
             r.payable_cents::bigint, b.bank_routing_number, b.bank_account_number, b.bank_account_type,
             'Rental ' || c.contract_number, r.created_at
        from rental_claims r join contracts c on c.id = r.contract_id
        left join payee_bank_accounts b on b.contract_id = c.id and b.payee_kind = 'holder'
       where r.status = 'approved' and r.payable_cents > 0
      union all
      select 'trip_interruption_claim', t.id, t.contract_id, 'holder', c.holder_first_name || ' ' || c.holder_last_name,
             null, t.payable_cents::bigint, b.bank_routing_number, b.bank_account_number, b.bank_account_type,
             'Trip ' || c.contract_number, t.created_at
        from trip_interruption_claims t join contracts c on c.id = t.contract_id
        left join payee_bank_accounts b on b.contract_id = c.id and b.payee_kind = 'holder'
       where t.status = 'approved' and t.payable_cents > 0
      union all
      select 'roadside_request', s.id, s.contract_id, 'holder', c.holder_first_name || ' ' || c.holder_last_name,
             null, s.payable_cents::bigint, b.bank_routing_number, b.bank_account_number, b.bank_account_type,
             'Tow ' || c.contract_number, s.updated_at
        from roadside_requests s join contracts c on c.id = s.contract_id
        left join payee_bank_accounts b on b.contract_id = c.id and b.payee_kind = 'holder'
       where s.status = 'completed' and s.payable_cents > 0
      union all
      select 'cancellation', x.id, x.contract_id, x.payee_kind, x.payee_name, null, x.refund_cents::bigint,
             b.bank_routing_number, b.bank_account_number, b.bank_account_type,
             'Refund ' || c.contract_number, x.created_at
        from cancellations x join contracts c on c.id = x.contract_id
        left join payee_bank_accounts b on b.contract_id = x.contract_id and b.payee_kind = x.payee_kind
       where x.refund_cents > 0
         -- A lender-event refund recorded as paid (POST /lender-events/refunds/{id}/payment) is not owed.
         and x.paid_on is null
      union all
      select 'gap_claim', g.id, g.contract_id, 'lienholder', c.lienholder_name, null, g.benefit_cents::bigint,
             b.bank_routing_number, b.bank_account_number, b.bank_account_type,
             'GAP ' || g.claim_number, g.decided_at
        from gap_claims g join contracts c on c.id = g.contract_id
        left join payee_bank_accounts b on b.contract_id = g.contract_id and b.payee_kind = 'lienholder'
       where g.status = 'approved' and g.benefit_cents > 0 and c.lienholder_name is not null
    )
    select p.* from payables p
     where not exists (select 1 from payment_settlements s
                        where s.source_type = p.source_type and s.source_id = p.source_id)
       and not exists (select 1 from ofac_holds h
                        where h.source_type = p.source_type and h.source_id = p.source_id and h.status = 'blocked')
     order by p.due_since, p.source_type, p.source_id
     limit ${limit}`.execute(db);
  return result.rows.map((row) => ({
    sourceType: row.source_type,
    sourceId: row.source_id,
    contractId: row.contract_id,
    payeeType: row.payee_type,
    payeeName: row.payee_name,
    facilityId: row.facility_id,
    amountCents: Number(row.amount_cents),
    bankRoutingNumber: row.bank_routing_number,
    bankAccountNumber: row.bank_account_number,
    bankAccountType: row.bank_account_type,
    reference: row.reference,
  }));
}

export async function insertRun(
  db: Kysely<Database>,
  run: { payOn: string; createdBy: string; ofacListId: string | null },
) {
  return db
    .insertInto('payment_runs')
    .values({ status: 'draft', pay_on: run.payOn, created_by: run.createdBy, ofac_list_id: run.ofacListId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertRunItems(
  db: Kysely<Database>,
  runId: string,
  items: (Payable & { status: PaymentItemStatus })[],
) {
  if (items.length === 0) return [];
  return db
    .insertInto('payment_run_items')
    .values(
      items.map((item) => ({
        run_id: runId,
        source_type: item.sourceType,
        source_id: item.sourceId,
        contract_id: item.contractId,
        payee_type: item.payeeType,
        payee_name: item.payeeName,
        facility_id: item.facilityId,
        method: item.bankRoutingNumber ? ('ach' as const) : ('check' as const),
        amount_cents: item.amountCents,
        bank_routing_number: item.bankRoutingNumber,
        bank_account_number: item.bankAccountNumber,
        bank_account_type: item.bankAccountType,
        status: item.status,
      })),
    )
    .returningAll()
    .execute();
}

export function findRun(db: Kysely<Database>, id: string) {
  return db.selectFrom('payment_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockRun(db: Kysely<Database>, id: string) {
  return db.selectFrom('payment_runs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function listRuns(db: Kysely<Database>, page: { limit: number; beforeNumber?: number | undefined }) {
  let query = db.selectFrom('payment_runs').select([
    'id',
    'run_number',
    'status',
    'pay_on',
    'created_by',
    'created_at',
    'approved_by',
    'approved_at',
    'ofac_list_id',
    // Whether each file was written, without reading the files.
    sql<boolean>`nacha_file is not null`.as('has_nacha_file'),
    sql<boolean>`positive_pay_file is not null`.as('has_positive_pay_file'),
  ]);
  if (page.beforeNumber !== undefined) query = query.where('run_number', '<', page.beforeNumber);
  return query.orderBy('run_number', 'desc').limit(page.limit).execute();
}

export function runItems(db: Kysely<Database>, runId: string) {
  return db
    .selectFrom('payment_run_items')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('source_type')
    .orderBy('source_id')
    .execute();
}

export async function runTotals(db: Kysely<Database>, runIds: string[]) {
  if (runIds.length === 0) return [];
  return db
    .selectFrom('payment_run_items')
    .select((eb) => [
      'run_id',
      'status',
      eb.fn.countAll<number>().as('count'),
      sql<number>`coalesce(sum(amount_cents), 0)::bigint`.as('amount_cents'),
    ])
    .where('run_id', 'in', runIds)
    .groupBy(['run_id', 'status'])
    .execute();
}

/**
 * Locks the payable's source row and answers its amount when it is still owed (a repair still
 * authorized, a reimbursement still submitted, a tow still completed, a cancellation, a GAP benefit
 * still approved), else null.
 */
export async function lockPayableSource(
  db: Kysely<Database>,
  sourceType: PayableSourceType,
  sourceId: string,
): Promise<number | null> {
  const query = {
    repair_claim: sql<{ amount: number }>`select payable_cents::bigint as amount from repair_claims
      where id = ${sourceId} and status = 'authorized' for update`,
    rental_claim: sql<{ amount: number }>`select payable_cents::bigint as amount from rental_claims
      where id = ${sourceId} and status = 'approved' for update`,
    trip_interruption_claim: sql<{ amount: number }>`select payable_cents::bigint as amount
      from trip_interruption_claims where id = ${sourceId} and status = 'approved' for update`,
    roadside_request: sql<{ amount: number }>`select payable_cents::bigint as amount from roadside_requests
      where id = ${sourceId} and status = 'completed' for update`,
    // A lender-event refund recorded as paid by the lender-event path (which locks the cancellation
    // too, so this reads what committed while it waited) is not owed.
    cancellation: sql<{ amount: number }>`select refund_cents::bigint as amount from cancellations
      where id = ${sourceId} and paid_on is null for update`,
    gap_claim: sql<{ amount: number }>`select benefit_cents::bigint as amount from gap_claims
      where id = ${sourceId} and status = 'approved' for update`,
  }[sourceType];
  const result = await query.execute(db);
  const amount = result.rows[0]?.amount;
  if (amount === undefined || amount === null) return null;
  return Number(amount);
}

/** Claims the payable for this run; false when another run (committed before) settled it. */
export async function settle(
  db: Kysely<Database>,
  settlement: { sourceType: PayableSourceType; sourceId: string; runId: string; itemId: string },
): Promise<boolean> {
  const row = await db
    .insertInto('payment_settlements')
    .values({
      source_type: settlement.sourceType,
      source_id: settlement.sourceId,
      run_id: settlement.runId,
      item_id: settlement.itemId,
    })
    .onConflict((oc) => oc.columns(['source_type', 'source_id']).doNothing())
    .returning('item_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Marks the source paid where its record says so: repairs, rental and trip reimbursements get their
 * paid status, and a lender-event refund its payment date (the run's pay-on date, the date its
 * journal entry and its ACH file carry, so the compliance view compares that with the deadline) and
 * reference (the check number or the run).
 */
export async function markSourcePaid(
  db: Kysely<Database>,
  sourceType: PayableSourceType,
  sourceId: string,
  paid: { at: Date; on: string; reference: string },
) {
  if (sourceType === 'repair_claim')
    await db
      .updateTable('repair_claims')
      .set((eb) => ({ status: 'paid', paid_at: paid.at, row_version: eb('row_version', '+', 1) }))
      .where('id', '=', sourceId)
      .execute();
  else if (sourceType === 'rental_claim')
    await db.updateTable('rental_claims').set({ status: 'paid' }).where('id', '=', sourceId).execute();
  else if (sourceType === 'trip_interruption_claim')
    await db
      .updateTable('trip_interruption_claims')
      .set({ status: 'paid' })
      .where('id', '=', sourceId)
      .execute();
  else if (sourceType === 'cancellation')
    // A lender-event refund paid by a run: the compliance view shows it paid, and the lender-event
    // payment path then refuses it as already paid.
    await db
      .updateTable('cancellations')
      .set({ paid_on: paid.on, payment_reference: paid.reference })
      .where('id', '=', sourceId)
      .where('lender_event_id', 'is not', null)
      .where('paid_on', 'is', null)
      .execute();
}

export async function nextCheckNumber(db: Kysely<Database>): Promise<number> {
  const result = await sql<{ n: number }>`select nextval('payment_check_number_seq')::bigint as n`.execute(
    db,
  );
  return Number(result.rows[0]!.n);
}

export async function updateItem(
  db: Kysely<Database>,
  id: string,
  values: {
    status: PaymentItemStatus;
    skipReason?: string | null;
    checkNumber?: number | null;
    traceNumber?: string | null;
    journalEntryId?: string | null;
    paidAt?: Date | null;
  },
) {
  await db
    .updateTable('payment_run_items')
    .set({
      status: values.status,
      ...(values.skipReason !== undefined ? { skip_reason: values.skipReason } : {}),
      ...(values.checkNumber !== undefined ? { check_number: values.checkNumber } : {}),
      ...(values.traceNumber !== undefined ? { trace_number: values.traceNumber } : {}),
      ...(values.journalEntryId !== undefined ? { journal_entry_id: values.journalEntryId } : {}),
      ...(values.paidAt !== undefined ? { paid_at: values.paidAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function markRunApproved(
  db: Kysely<Database>,
  id: string,
  values: { approvedBy: string; approvedAt: Date; nachaFile: string | null; positivePayFile: string | null },
) {
  await db
    .updateTable('payment_runs')
    .set((eb) => ({
      status: 'approved',
      approved_by: values.approvedBy,
      approved_at: values.approvedAt,
      nacha_file: values.nachaFile,
      positive_pay_file: values.positivePayFile,
      row_version: eb('row_version', '+', 1),
    }))
    .where('id', '=', id)
    .execute();
}

export async function markRunDiscarded(db: Kysely<Database>, id: string) {
  await db
    .updateTable('payment_runs')
    .set((eb) => ({ status: 'discarded', row_version: eb('row_version', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export function findContractForPosting(db: Kysely<Database>, id: string) {
  return db.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** A holder's or lienholder's bank account for a contract's payments (replaces any earlier one). */
export async function upsertPayeeBankAccount(
  db: Kysely<Database>,
  account: {
    contractId: string;
    payeeKind: 'holder' | 'lienholder';
    accountHolderName: string;
    routingNumber: string;
    accountNumber: string;
    accountType: BankAccountType;
    updatedBy: string;
    updatedAt: Date;
  },
) {
  const values = {
    contract_id: account.contractId,
    payee_kind: account.payeeKind,
    account_holder_name: account.accountHolderName,
    bank_routing_number: account.routingNumber,
    bank_account_number: account.accountNumber,
    bank_account_type: account.accountType,
    updated_by: account.updatedBy,
    updated_at: account.updatedAt,
  };
  return db
    .insertInto('payee_bank_accounts')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['contract_id', 'payee_kind']).doUpdateSet({
        account_holder_name: values.account_holder_name,
        bank_routing_number: values.bank_routing_number,
        bank_account_number: values.bank_account_number,
        bank_account_type: values.bank_account_type,
        updated_by: values.updated_by,
        updated_at: values.updated_at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deletePayeeBankAccount(
  db: Kysely<Database>,
  contractId: string,
  payeeKind: 'holder' | 'lienholder',
) {
  await db
    .deleteFrom('payee_bank_accounts')
    .where('contract_id', '=', contractId)
    .where('payee_kind', '=', payeeKind)
    .execute();
}

/** Sets a facility's ACH details (all three, or none: paid by check) and TIN. */
export async function updateFacilityPaymentDetails(
  db: Kysely<Database>,
  facilityId: string,
  details: {
    bank: { routingNumber: string; accountNumber: string; accountType: BankAccountType } | null;
    tin: string | null;
  },
) {
  return db
    .updateTable('repair_facilities')
    .set({
      bank_routing_number: details.bank?.routingNumber ?? null,
      bank_account_number: details.bank?.accountNumber ?? null,
      bank_account_type: details.bank?.accountType ?? null,
      tin: details.tin,
    })
    .where('id', '=', facilityId)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Per repair facility, what it was paid in a calendar year (business time zone): the payments ledger's
 * repair payments (by a run or paid by hand), net of reversals, those at or above the threshold.
 */
export async function facilityPaymentsForYear(
  db: Kysely<Database>,
  input: { year: number; timeZone: string; thresholdCents: number },
) {
  const result = await sql<Form1099Row & { facility_id: string }>`
    select f.id as facility_id, f.name, f.tin, f.address_line1, f.city, f.region, f.postal_code, f.country,
           sum(case when l.direction = 'payout' then l.amount_cents else -l.amount_cents end)::bigint as total,
           count(*) filter (where l.reverses_entry_id is null)::bigint as payments
      from ledger_entries l
      join repair_claims rc on rc.id = l.source_id
      join repair_facilities f on f.id = rc.facility_id
     where l.kind = 'repair_payment' and l.source_type = 'repair_claim'
       and l.occurred_at >= (make_date(${input.year}::int, 1, 1)::timestamp at time zone ${input.timeZone})
       and l.occurred_at < (make_date(${input.year + 1}::int, 1, 1)::timestamp at time zone ${input.timeZone})
     group by f.id
    having sum(case when l.direction = 'payout' then l.amount_cents else -l.amount_cents end) >= ${input.thresholdCents}
     order by f.name, f.id`.execute(db);
  return result.rows.map((row) => ({ ...row, total: Number(row.total), payments: Number(row.payments) }));
}
