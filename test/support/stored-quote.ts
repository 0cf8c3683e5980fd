// Rebuilds the quote a cancellation was executed on from its record (src/cancellations/stored-quote.ts),
// for tests that check the record keeps enough to answer it again.
import type { Kysely } from 'kysely';
import { explainStoredQuote, type StoredCancellationQuote } from '../../src/cancellations/stored-quote.js';
import { createCatalogService } from '../../src/catalog/catalog.service.js';
import type { Database } from '../../src/platform/db/schema.js';

export async function explainedCancellation(db: Kysely<Database>, cancellationId: string) {
  const record = await db
    .selectFrom('cancellations')
    .selectAll()
    .where('id', '=', cancellationId)
    .executeTakeFirstOrThrow();
  const contract = await db
    .selectFrom('contracts')
    .selectAll()
    .where('id', '=', record.contract_id)
    .executeTakeFirstOrThrow();
  const { terms } = await createCatalogService({ db }).termsFor(
    contract.catalog_version,
    contract.plan_code,
    contract.purchase_state,
    db,
  );
  return {
    stored: record.quote as unknown as StoredCancellationQuote,
    explained: explainStoredQuote(
      {
        cancelOn: String(record.cancel_on),
        odometer: record.odometer,
        reason: record.reason,
        method: record.method,
        grossRefundCents: Number(record.gross_refund_cents),
        feeCents: Number(record.fee_cents),
        claimsDeductedCents: Number(record.claims_deducted_cents),
        refundCents: Number(record.refund_cents),
        payee: { kind: record.payee_kind, name: record.payee_name },
        quote: record.quote as unknown as StoredCancellationQuote,
      },
      contract,
      terms!,
    ),
  };
}
