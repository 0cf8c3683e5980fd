// Request and response schemas of the repair-claim API (docs/api.md "Repair claims (VSC)").
import { Type } from 'typebox';
import { Nullable, StringEnum, Uuid } from '../platform/http/schemas.js';
import { NON_BLANK_PATTERN } from '../platform/validation.js';
import { MAX_LABOR_RATE_CENTS } from '../repair-facilities/labor-rate.js';
import { DENIAL_REASONS, MAX_ESTIMATE_LINES } from './repair-claims.service.js';

// Realistic bounds that keep every amount of a claim within its int4 columns (repair_claim_lines,
// repair_claims): a line is at most $100,000 of parts plus 100 h at $1,000/h ($200,000), and 50
// lines make at most $10,000,000, under 2^31 cents. A rate of $10,000,000/h overflowed them (500).
export const MAX_LINE_PARTS_CENTS = 10_000_000;
export { MAX_LABOR_RATE_CENTS };

const Money = (description: string, maximum: number) => Type.Integer({ minimum: 0, maximum, description });
const Text = (maxLength: number, description?: string) =>
  Type.String({
    minLength: 1,
    maxLength,
    pattern: NON_BLANK_PATTERN,
    ...(description ? { description } : {}),
  });

export const REPAIR_CLAIM_STATUSES = [
  'submitted',
  'information_requested',
  'authorized',
  'denied',
  'paid',
] as const;

export const RepairClaimBodySchema = Type.Object(
  {
    vin: Type.String({ minLength: 1, maxLength: 40 }),
    odometer: Type.Integer({ minimum: 0, maximum: 2_000_000 }),
    complaint: Text(2000, 'What the customer reports'),
    cause: Text(2000, 'What the diagnosis found'),
    correction: Text(2000, 'The repair proposed'),
    facilityId: Type.Optional(Uuid),
    keptOvernight: Type.Optional(Type.Boolean({ description: 'The vehicle stays at the shop overnight' })),
    workStartedAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When work already started, if it did: work started before authorization is not payable',
      }),
    ),
    lines: Type.Array(
      Type.Object(
        {
          componentGroup: Type.String({ minLength: 1, maxLength: 64 }),
          description: Text(500),
          partsCents: Money('Parts for this line', MAX_LINE_PARTS_CENTS),
          laborHours: Type.Number({ minimum: 0, maximum: 100, description: 'Labor-guide hours' }),
          laborRateCents: Type.Optional(
            Money("Shop's hourly rate; the facility's posted rate when omitted", MAX_LABOR_RATE_CENTS),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_ESTIMATE_LINES },
    ),
  },
  { additionalProperties: false },
);

export const RepairClaimLineSchema = Type.Object({
  id: Type.String(),
  lineNumber: Type.Integer(),
  componentGroup: Type.String(),
  componentGroupName: Type.String(),
  description: Type.String(),
  partsCents: Type.Integer(),
  laborHours: Type.Number(),
  laborRateCents: Type.Integer(),
  requestedCents: Type.Integer(),
  eligible: Type.Boolean(),
  reasonCode: Type.Optional(Type.String()),
  allowedLaborRateCents: Type.Integer(),
  eligibleCents: Type.Integer(),
  decision: Nullable(
    Type.Object({
      approved: Type.Boolean(),
      reasonCode: Nullable(Type.String()),
      note: Nullable(Type.String()),
      approvedCents: Type.Integer(),
    }),
  ),
});

export const RepairClaimSchema = Type.Object(
  {
    id: Type.String(),
    claimNumber: Type.String(),
    status: StringEnum(REPAIR_CLAIM_STATUSES),
    contractId: Type.String(),
    contractNumber: Type.String(),
    planCode: Type.String(),
    planName: Type.String(),
    facility: Type.Object({ id: Type.String(), name: Type.String(), dealerCode: Nullable(Type.String()) }),
    vin: Type.String(),
    odometer: Type.Integer(),
    complaint: Type.String(),
    cause: Type.String(),
    correction: Type.String(),
    keptOvernight: Type.Boolean(),
    workStartedAt: Nullable(Type.String()),
    coverageReasonCode: Nullable(Type.String()),
    contractEnded: Nullable(
      Type.Object({
        status: StringEnum(['cancelled', 'void'] as const),
        cancelledOn: Nullable(Type.String({ format: 'date' })),
        detail: Type.String({ description: 'Why, in words staff read' }),
      }),
      {
        description:
          "The contract did not cover the claim's date (cancelled as of that day or before, or void): nothing on it can be approved or paid (409 contract_not_active); null otherwise",
      },
    ),
    submittedAt: Type.String(),
    inspection: Type.Object({
      required: Type.Boolean(),
      inspectedAt: Nullable(Type.String()),
      notes: Nullable(Type.String()),
    }),
    informationRequest: Nullable(Type.String()),
    contractDeductibleCents: Type.Integer(),
    lines: Type.Array(RepairClaimLineSchema),
    requestedCents: Type.Integer(),
    eligibleCents: Type.Integer(),
    authorization: Nullable(
      Type.Object({
        authorizationNumber: Nullable(Type.String()),
        decidedAt: Nullable(Type.String()),
        decidedBy: Nullable(Type.String()),
        authorizedCents: Type.Integer(),
        deductibleCents: Type.Integer(),
        deductibleWaived: Type.Boolean(),
        payableToFacilityCents: Type.Integer(),
        holderOwesCents: Type.Integer(),
        rentalEligible: Type.Boolean(),
      }),
    ),
    paidAt: Nullable(Type.String()),
  },
  { $id: 'RepairClaim' },
);

export const AuthorizationBodySchema = Type.Object(
  {
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Uuid,
            approved: Type.Boolean(),
            reasonCode: Type.Optional(StringEnum(DENIAL_REASONS, { description: 'Why a line is denied' })),
            note: Type.Optional(
              Type.String({
                maxLength: 1000,
                description: 'The adjuster’s words for the shop; required when reasonCode is other',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: MAX_ESTIMATE_LINES },
      ),
    ),
    requestInformation: Type.Optional(Text(2000, 'Send the claim back to the shop with this question')),
  },
  { additionalProperties: false },
);

export const AuthorizationAnswerSchema = Type.Object({
  status: StringEnum(REPAIR_CLAIM_STATUSES),
  authorizationNumber: Nullable(Type.String()),
  authorizedCents: Type.Integer(),
  deductibleCents: Type.Integer(),
  deductibleWaived: Type.Boolean(),
  payableToFacilityCents: Type.Integer(),
  holderOwesCents: Type.Integer(),
  rentalEligible: Type.Boolean(),
  claim: Type.Ref('RepairClaim'),
});

export const PaymentBodySchema = Type.Object(
  {
    method: StringEnum(['card', 'check'] as const),
    reference: Text(100, 'Card transaction or check number'),
  },
  { additionalProperties: false },
);
