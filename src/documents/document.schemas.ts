import { Type } from 'typebox';
import { Nullable, StringEnum } from '../platform/http/schemas.js';

export const DocumentSchema = Type.Object(
  {
    id: Type.String(),
    ownerType: Type.String({ description: "What the document belongs to, e.g. 'gap_claim'" }),
    ownerId: Type.String(),
    contractId: Type.String(),
    type: Type.String({ description: 'Document type code from the catalog' }),
    typeName: Type.String(),
    status: StringEnum(['received', 'pending_review', 'accepted', 'rejected', 'superseded']),
    sha256: Type.String(),
    sizeBytes: Type.Integer(),
    contentType: Type.String(),
    originalName: Nullable(Type.String()),
    receivedAt: Type.String({ format: 'date-time' }),
    reviewDueOn: Nullable(
      Type.String({ format: 'date', description: 'The business day the review is due by' }),
    ),
    overdue: Type.Boolean(),
    escalated: Type.Boolean(),
    reviewedAt: Nullable(Type.String({ format: 'date-time' })),
    reviewReason: Nullable(Type.String()),
    supersedesId: Nullable(Type.String()),
  },
  { $id: 'Document' },
);
