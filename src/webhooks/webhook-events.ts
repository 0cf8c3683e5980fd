// The webhook outbox: a change writes its event here in its own transaction, so a rolled-back change
// leaves no event and a committed one always has it. The dispatcher (webhook-delivery.ts) sends them.
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { insertEvent, insertEvents } from './webhooks.repository.js';

export const WEBHOOK_EVENT_TYPES = [
  'contract.created',
  'contract.cancelled',
  'contract.voided',
  'repair_claim.authorized',
  'gap_claim.status_changed',
  'document.reviewed',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Records `type` with `data` in `trx` (the change's transaction); answers the event id. */
export async function emitEvent(
  trx: Kysely<Database>,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<string> {
  return insertEvent(trx, type, data);
}

/** Records one event of `type` per item of `data` in `trx` (a batch use case's transaction). */
export async function emitEvents(
  trx: Kysely<Database>,
  type: WebhookEventType,
  data: readonly Record<string, unknown>[],
): Promise<void> {
  await insertEvents(trx, type, data);
}
