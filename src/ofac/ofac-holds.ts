// A payment recorded by hand (a repair paid by card or check, a lender-event refund paid outside a
// payment run) passes the same OFAC gate as a payment run: while its payee's possible match is held for
// review, or was blocked, the payment is refused.
import type { Kysely } from 'kysely';
import type { Database, PayableSourceType } from '../platform/db/schema.js';
import { AppError } from '../shared/errors.js';
import { unreleasedOfacHold } from './ofac.repository.js';

export async function refuseWhileOfacHold(
  db: Kysely<Database>,
  sourceType: PayableSourceType,
  sourceId: string,
): Promise<void> {
  const hold = await unreleasedOfacHold(db, sourceType, sourceId);
  if (!hold) return;
  throw new AppError(
    'payment_on_ofac_hold',
    hold.status === 'blocked'
      ? `The payment to ${hold.payee_name} is blocked by OFAC screening (a match with "${hold.matched_name}"): it must not be paid.`
      : `The payment to ${hold.payee_name} is held for OFAC review (a possible match with "${hold.matched_name}"): release the hold before recording a payment.`,
  );
}
