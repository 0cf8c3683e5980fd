// The HTTP shapes of e-rating (POST /api/v1/rates, docs/api.md "Dealer channel"): the request the route
// validates and the answer its compiled serializer writes. The service builds the answer as
// `RateAnswer`, the type of RateAnswerSchema, so the two cannot drift apart.
import { type Static, Type } from 'typebox';
import { Nullable, ProductField, StringEnum } from '../platform/http/schemas.js';
import { DRIVE_TYPES, FUELS, INELIGIBLE_REASONS } from './rating.js';

const Money = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000_00, description });

export const RateRequestSchema = Type.Object(
  {
    vin: Type.String({ minLength: 1, maxLength: 40 }),
    odometer: Type.Integer({ minimum: 0, maximum: 2_000_000, description: 'Miles at sale' }),
    saleDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Day of the sale (YYYY-MM-DD)' }),
    purchaseState: Type.String({ minLength: 2, maxLength: 2 }),
    vehicle: Type.Object(
      {
        year: Type.Integer({
          minimum: 1900,
          maximum: 2100,
          description: "Must match the VIN's 10th character",
        }),
        make: Type.String({ minLength: 1, maxLength: 60 }),
        model: Type.String({ minLength: 1, maxLength: 60 }),
        driveType: Type.Optional(StringEnum(DRIVE_TYPES)),
        fuel: Type.Optional(StringEnum(FUELS)),
        turbo: Type.Optional(Type.Boolean({ description: 'Turbocharged or supercharged' })),
        commercialUse: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    loan: Type.Optional(
      Type.Object(
        {
          amountFinancedCents: Money('Amount financed'),
          msrpCents: Money('MSRP or retail book value'),
          termMonths: Type.Integer({
            minimum: 1,
            maximum: 240,
            description: 'Loan term; GAP is rated for it only',
          }),
        },
        { additionalProperties: false, description: 'The loan: GAP is rated from it' },
      ),
    ),
  },
  { additionalProperties: false },
);

const LineSchema = Type.Object({ label: Type.String(), amountCents: Type.Integer() });

export const RateAnswerSchema = Type.Object({
  catalogVersion: Type.Integer(),
  vehicleClass: Nullable(Type.String()),
  offers: Type.Array(
    Type.Object({
      rateId: Type.String({ description: 'Book the offer with this id (once, until expiresOn)' }),
      product: ProductField,
      planCode: Type.String(),
      termMonths: Type.Integer(),
      termMiles: Nullable(Type.Integer()),
      deductibleCents: Type.Integer(),
      dealerCostCents: Type.Integer({ description: 'What the dealer remits: the sum of the lines' }),
      maxRetailCents: Type.Integer({ description: 'Most the dealer may charge the customer' }),
      expiresOn: Type.String(),
      lines: Type.Array(LineSchema),
    }),
  ),
  ineligible: Type.Array(
    Type.Object({
      planCode: Type.String(),
      reasonCode: StringEnum(INELIGIBLE_REASONS),
      detail: Type.String(),
    }),
  ),
});

/** What POST /api/v1/rates is sent (the route has validated its shape; the service checks the rest). */
export type RateRequestInput = Static<typeof RateRequestSchema>;

/** What POST /api/v1/rates answers. */
export type RateAnswer = Static<typeof RateAnswerSchema>;
