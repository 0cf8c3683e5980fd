// A contract's audit trail: the rows about the contract itself and about everything recorded on it —
// its repair claims (decisions, authorization numbers, payments), GAP claims and their documents,
// rental and trip-interruption claims, roadside requests and cancellations. Each part reads the
// (entity_type, entity_id, id) index of audit_events; the parts are merged in id order, a page at a time.
import { type Kysely, sql } from 'kysely';
import type { AuditEvent } from '../platform/audit/audit.repository.js';
import { toEvent } from '../platform/audit/audit.repository.js';
import type { AuditEventRow, Database } from '../platform/db/schema.js';

/** The entity types recorded on a contract, each with the table whose rows carry its contract_id. */
const ON_CONTRACT = [
  ['repair_claim', 'repair_claims'],
  ['gap_claim', 'gap_claims'],
  ['document', 'documents'],
  ['rental_claim', 'rental_claims'],
  ['trip_interruption_claim', 'trip_interruption_claims'],
  ['roadside_request', 'roadside_requests'],
  ['cancellation', 'cancellations'],
] as const;

export async function contractAuditTrail(
  db: Kysely<Database>,
  contractId: string,
  page: { limit: number; startingAfter?: number },
): Promise<AuditEvent[]> {
  const after = page.startingAfter ?? 0;
  const parts = ON_CONTRACT.map(
    ([entityType, table]) => sql`
      select a.* from ${sql.table(table)} t
      join audit_events a on a.entity_type = ${entityType} and a.entity_id = t.id::text and a.id > ${after}
      where t.contract_id = ${contractId}`,
  );
  const rows = await sql<AuditEventRow>`
    select * from (
      select a.* from audit_events a
      where a.entity_type = 'contract' and a.entity_id = ${contractId} and a.id > ${after}
      ${sql.join(
        parts.map((part) => sql`union all ${part}`),
        sql` `,
      )}
    ) trail
    order by id
    limit ${page.limit}`.execute(db);
  return rows.rows.map((row) => toEvent({ ...row, id: Number(row.id) }));
}
