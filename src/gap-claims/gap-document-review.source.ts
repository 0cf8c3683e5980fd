// The work-queue source of GAP document reviews: every document of a GAP claim that waits for review,
// ordered by its review due date, then by when it was received.
import type { CatalogService } from '../catalog/catalog.service.js';
import type { WorkQueueSource } from '../work-queue/work-queue.js';
import { listGapDocumentsAwaitingReview } from './gap-claim.repository.js';

export const GAP_DOCUMENT_REVIEW = 'gap_document_review';

export function gapDocumentReviewSource(catalog: CatalogService): WorkQueueSource {
  return {
    kind: GAP_DOCUMENT_REVIEW,
    roles: ['reviewer', 'adjuster', 'admin'],
    async list(db, page) {
      const rows = await listGapDocumentsAwaitingReview(db, { ...page, kind: GAP_DOCUMENT_REVIEW });
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
