// Dealer statements (issue 16, DOMAIN.md "Money of the administrator"): the dealer's account also
// records chargebacks (its share of a cancellation refund) and remittances; remittances are recorded by
// admins or noticed by the dealer (pending until an admin matches them). Chargebacks already posted to
// the books before this migration are put on the dealers' accounts from the journal.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table dealer_account_events drop constraint dealer_account_events_kind_check`.execute(db);
  await sql`alter table dealer_account_events add constraint dealer_account_events_kind_check
    check (kind in ('contract_booked', 'contract_voided', 'chargeback', 'remittance'))`.execute(db);

  await db.schema
    .createTable('dealer_remittances')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('dealer_id', 'uuid', (c) => c.notNull().references('dealers.id'))
    .addColumn('amount_cents', 'bigint', (c) => c.notNull().check(sql`amount_cents > 0`))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('received_on', 'date', (c) => c.notNull())
    // recorded: entered by an admin; pending: the dealer's own notice; matched: a notice an admin matched.
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('recorded', 'pending', 'matched')`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('matched_by', 'text')
    .addColumn('matched_at', 'timestamptz')
    .addColumn('request_id', 'text')
    .execute();
  await sql`create index dealer_remittances_dealer_idx on dealer_remittances (dealer_id, received_on)`.execute(
    db,
  );

  // A remittance is on the account once (contract events stay once per contract and kind).
  await sql`alter table dealer_account_events add column remittance_id uuid references dealer_remittances (id)`.execute(
    db,
  );
  await sql`create unique index dealer_account_events_remittance_once on dealer_account_events (remittance_id)
    where remittance_id is not null`.execute(db);
  await sql`alter table dealer_account_events add constraint dealer_account_events_remittance_kind
    check ((kind = 'remittance') = (remittance_id is not null))`.execute(db);

  // Chargebacks the books already hold (cancellations before this migration).
  await sql`
    insert into dealer_account_events (dealer_id, contract_id, kind, amount_cents, occurred_on, request_id)
    select c.dealer_id, c.id, 'chargeback', sum(l.debit_cents - l.credit_cents), min(e.effective_on), null
      from journal_lines l
      join journal_entries e on e.id = l.entry_id
      join contracts c on c.id = e.contract_id
     where e.event_type = 'cancellation' and l.account_code = '1150' and c.dealer_id is not null
     group by c.dealer_id, c.id
    having sum(l.debit_cents - l.credit_cents) <> 0
    on conflict (contract_id, kind) do nothing`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The dealer-statement migration cannot be rolled back: remittances are money received.');
}
