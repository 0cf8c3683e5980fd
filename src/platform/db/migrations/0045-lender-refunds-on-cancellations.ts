// A lender-event refund is its cancellation: the refund, its payee and its contract were already on the
// cancellation record, and the event's VIN and date are on the lender event. So the refund's own facts
// (the lender event that caused it, its deadline from the state rule, and when and how it was paid)
// move onto `cancellations`, and `lender_event_refunds` — one more row, primary key and three foreign
// keys written for every event a lender reports — is gone. A lender-event refund is a cancellation with
// a lender_event_id; it is still addressed by its cancellation id (POST /lender-events/refunds/{id}/payment),
// and the compliance view, payment runs and the month-end report read these columns instead.
// refund_due_on is written for every new cancellation (a cancellation made by hand answers it too);
// hand cancellations made before this migration keep it empty. Existing refunds are copied over.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cancellations
    add column lender_event_id uuid references lender_events (id),
    add column refund_due_on date,
    add column paid_on date,
    add column payment_reference text`.execute(db);
  await sql`update cancellations c set
      lender_event_id = r.lender_event_id,
      refund_due_on = r.refund_due_on,
      paid_on = r.paid_on,
      payment_reference = r.payment_reference
    from lender_event_refunds r
    where r.cancellation_id = c.id`.execute(db);
  await sql`alter table cancellations add constraint cancellations_lender_refund_due
    check (lender_event_id is null or refund_due_on is not null)`.execute(db);
  // The compliance view pages lender-event refunds by deadline (and cancellation id).
  await sql`create index cancellations_lender_refund_due_idx on cancellations (refund_due_on, id)
    where lender_event_id is not null`.execute(db);
  await sql`drop table lender_event_refunds`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create table lender_event_refunds (
    cancellation_id uuid primary key references cancellations (id),
    lender_event_id uuid not null references lender_events (id),
    contract_id uuid not null references contracts (id),
    vin text not null,
    event text not null,
    event_date date not null,
    lienholder_name text,
    refund_cents bigint not null check (refund_cents >= 0),
    payee_kind text not null,
    payee_name text not null,
    refund_due_on date not null,
    paid_on date,
    payment_reference text,
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index lender_event_refunds_due_idx on lender_event_refunds (lienholder_name, refund_due_on)`.execute(
    db,
  );
  await sql`insert into lender_event_refunds
      (cancellation_id, lender_event_id, contract_id, vin, event, event_date, lienholder_name, refund_cents,
       payee_kind, payee_name, refund_due_on, paid_on, payment_reference, created_at)
    select x.id, x.lender_event_id, x.contract_id, e.vin, e.event, e.event_date, c.lienholder_name, x.refund_cents,
       x.payee_kind, x.payee_name, x.refund_due_on, x.paid_on, x.payment_reference, x.created_at
    from cancellations x
    join lender_events e on e.id = x.lender_event_id
    join contracts c on c.id = x.contract_id`.execute(db);
  await sql`drop index cancellations_lender_refund_due_idx`.execute(db);
  await sql`alter table cancellations drop constraint cancellations_lender_refund_due`.execute(db);
  await sql`alter table cancellations
    drop column lender_event_id,
    drop column refund_due_on,
    drop column paid_on,
    drop column payment_reference`.execute(db);
}
