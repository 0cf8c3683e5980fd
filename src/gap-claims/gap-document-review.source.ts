// The work-queue source of GAP document reviews: every document of a GAP claim that waits for review,
// ordered by its review due date, then by when it was received.
import { sql } from 'kysely';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { WorkQueueSource } from '../work-queue/work-queue.js';

export const GAP_DOCUMENT_REVIEW = 'gap_document_review';

export function gapDocumentReviewSource(catalog: CatalogService): WorkQueueSource {
  return {
    kind: GAP_DOCUMENT_REVIEW,
    roles: ['reviewer', 'adjuster', 'admin'],
    async list(db, page) {
      let query = db
        .selectFrom('documents')
        .innerJoin('gap_claims', 'gap_claims.id', 'documents.owner_id')
        .innerJoin('contracts', 'contracts.id', 'documents.contract_id')
        .select([
          'documents.id',
          'documents.document_type',
          'documents.review_due_on',
          'documents.received_at',
          'documents.escalated_at',
          'documents.content_type',
          'gap_claims.id as claim_id',
          'gap_claims.claim_number',
          'contracts.catalog_version',
          'contracts.holder_first_name',
          'contracts.holder_last_name',
        ])
        .where('documents.owner_type', '=', 'gap_claim')
        .where('documents.status', '=', 'pending_review')
        .orderBy('documents.review_due_on')
        .orderBy('documents.received_at')
        .orderBy('documents.id')
        .limit(page.limit);
      const after = page.after;
      if (after) {
        query = query.where(
          sql<boolean>`(documents.review_due_on, documents.received_at, ${GAP_DOCUMENT_REVIEW}::text, documents.id::text)
            > (${after.dueOn}::date, ${after.receivedAt}::timestamptz, ${after.kind}::text, ${after.id}::text)`,
        );
      }
      const rows = await query.execute();
      return Promise.all(
        rows.map(async (row) => {
          const version = await catalog.byVersion(row.catalog_version, db);
          const typeName =
            version.catalog.documentTypes.find((type) => type.code === row.document_type)?.name ??
            row.document_type;
          return {
            kind: GAP_DOCUMENT_REVIEW,
            id: row.id,
            title: `${typeName} for GAP claim ${row.claim_number}`,
            dueOn: row.review_due_on as string,
            escalated: row.escalated_at !== null,
            receivedAt: row.received_at.toISOString(),
            href: `/staff/reviews/${row.id}`,
            details: {
              documentType: row.document_type,
              typeName,
              claimId: row.claim_id,
              claimNumber: row.claim_number,
              holderName: `${row.holder_first_name} ${row.holder_last_name}`,
              contentType: row.content_type,
            },
          };
        }),
      );
    },
  };
}
