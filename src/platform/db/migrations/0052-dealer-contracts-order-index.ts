// A dealer's contracts list (GET /dealers/{id}/contracts, src/contracts/contract.repository.ts
// listDealerContracts) reads the dealer's contracts newest sale first and, within a sale day, newest
// booked first (created_at, then id): a page is a range read of this index in that order, continued
// from the cursor, instead of a sort of every contract the dealer ever sold for each page.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index contracts_dealer_sale_order_idx
    on contracts (dealer_id, purchase_date desc, created_at desc, id desc) where dealer_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index contracts_dealer_sale_order_idx`.execute(db);
}
