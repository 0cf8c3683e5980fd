// Request and response schemas of the contract API (docs/api.md "Contracts").
import { Type } from 'typebox';
import {
  DateInput,
  Nullable,
  ProductField,
  StateRuleNoteSchema,
  StringEnum,
} from '../platform/http/schemas.js';
import { CONTRACT_LIMITS } from './contract-input.js';

const Money = (description: string) => Type.Integer({ ...CONTRACT_LIMITS.cents, description });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/**
 * A person a contract is written to, as a request names them: the holder of a new contract (staff or a
 * dealer's e-contract) or the buyer it is transferred to. Contact details may be left out or null.
 */
export const PersonInputSchema = Type.Object(
  {
    firstName: Text(100),
    lastName: Text(100),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    address: Type.Object(
      {
        line1: Text(200),
        city: Text(100),
        state: Type.String({ minLength: 2, maxLength: 2 }),
        zip: Text(10),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ContractBodySchema = Type.Object(
  {
    contractNumber: Type.Optional(Type.String({ maxLength: 40, description: 'Omit to have one assigned' })),
    product: ProductField,
    planCode: Type.String({ minLength: 1, maxLength: 40 }),
    holder: PersonInputSchema,
    vehicle: Type.Object(
      {
        vin: Type.String({ minLength: 1, maxLength: 40 }),
        year: Type.Integer({ minimum: 1900, maximum: 2100 }),
        make: Text(60),
        model: Text(60),
      },
      { additionalProperties: false },
    ),
    odometerAtSale: Type.Integer(CONTRACT_LIMITS.odometerAtSale),
    purchaseDate: DateInput('Contract purchase date'),
    purchaseState: Type.String({ minLength: 2, maxLength: 2 }),
    termMonths: Type.Integer(CONTRACT_LIMITS.termMonths),
    termMiles: Type.Optional(Nullable(Type.Integer(CONTRACT_LIMITS.termMiles))),
    priceCents: Money('Contract price in cents'),
    deductibleCents: Type.Optional(Nullable(Money('Deductible per repair visit'))),
    lienholder: Nullable(Type.Object({ name: Text(200) }, { additionalProperties: false })),
    sellingDealer: Type.Optional(
      Nullable(Type.Object({ code: Text(40), name: Text(200) }, { additionalProperties: false })),
    ),
    amountFinancedCents: Type.Optional(Nullable(Money('GAP: amount financed'))),
    msrpCents: Type.Optional(Nullable(Money('GAP: MSRP or retail book value'))),
    soldAfterVehicleSale: Type.Optional(
      Type.Boolean({
        description: 'Sold after the vehicle sale and out of factory warranty: the waiting period applies',
      }),
    ),
  },
  { additionalProperties: false },
);

export const BenefitsSchema = Type.Object({
  roadside: Nullable(
    Type.Object({ perEventLimitCents: Type.Integer(), services: Type.Array(Type.String()) }),
  ),
  rental: Nullable(
    Type.Object({
      dailyLimitCents: Type.Integer(),
      perVisitLimitCents: Type.Integer(),
      minLaborHours: Type.Number(),
      overnightQualifies: Type.Boolean(),
    }),
  ),
  tripInterruption: Nullable(
    Type.Object({
      dailyLimitCents: Type.Integer(),
      maxDays: Type.Integer(),
      minMilesFromHome: Type.Integer(),
    }),
  ),
});

export const CoverageReason = StringEnum([
  'not_found',
  'expired_by_date',
  'expired_by_miles',
  'cancelled',
  'void',
  'waiting_period',
  'claimed',
] as const);

const CoverageFields = {
  inForce: Type.Boolean(),
  reasonCode: Type.Optional(CoverageReason),
  asOf: Type.String({ description: 'The day the coverage was judged for (business time zone)' }),
  componentGroups: Type.Array(
    Type.Object({ code: Type.String(), name: Type.String(), description: Type.String() }),
  ),
  benefits: BenefitsSchema,
  notes: Type.Array(StateRuleNoteSchema),
  disappearingDeductible: Type.Boolean({
    description: 'The deductible is waived when the repair is done at the selling dealer',
  }),
};

export const CoverageBlockSchema = Type.Object(CoverageFields, { $id: 'ContractCoverage' });

export const ContractSchema = Type.Object(
  {
    id: Type.String(),
    contractNumber: Type.String(),
    status: StringEnum(['active', 'cancelled', 'expired', 'void', 'claimed'] as const, {
      description: 'claimed: a GAP addendum whose benefit was paid (it ends; nothing is refunded)',
    }),
    product: ProductField,
    planCode: Type.String(),
    planName: Type.String(),
    catalogVersion: Type.Integer(),
    holder: Type.Object({
      firstName: Type.String(),
      lastName: Type.String(),
      email: Nullable(Type.String()),
      phone: Nullable(Type.String()),
      address: Type.Object({
        line1: Type.String(),
        city: Type.String(),
        state: Type.String(),
        zip: Type.String(),
      }),
    }),
    vehicle: Type.Object({
      vin: Type.String(),
      year: Type.Integer(),
      make: Type.String(),
      model: Type.String(),
    }),
    odometerAtSale: Type.Integer(),
    purchaseDate: Type.String(),
    purchaseState: Type.String(),
    termMonths: Type.Integer(),
    termMiles: Nullable(Type.Integer()),
    expiresOn: Type.String(),
    expiresAtMiles: Nullable(Type.Integer()),
    waitingPeriodEndsOn: Nullable(Type.String()),
    waitingPeriodEndsAtMiles: Nullable(Type.Integer()),
    priceCents: Type.Integer(),
    deductibleCents: Type.Integer(),
    lienholder: Nullable(Type.Object({ name: Type.String() })),
    sellingDealer: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
    amountFinancedCents: Nullable(Type.Integer()),
    msrpCents: Nullable(Type.Integer()),
    hasClaims: Type.Boolean(),
    dealerCode: Nullable(Type.String(), {
      description: 'The registered dealer that booked or sold it (dealer channel)',
    }),
    dealerCostCents: Nullable(Type.Integer(), {
      description: 'What the dealer remits; not shown to holders',
    }),
    voidedAt: Nullable(Type.String({ format: 'date-time' })),
    voidReason: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    coverage: Type.Optional(Type.Ref('ContractCoverage')),
  },
  { $id: 'Contract' },
);

export const CoverageLookupSchema = Type.Object({
  ...CoverageFields,
  componentGroups: Type.Optional(CoverageFields.componentGroups),
  benefits: Type.Optional(BenefitsSchema),
  notes: Type.Optional(CoverageFields.notes),
  contractId: Type.Optional(Type.String()),
  contractNumber: Type.Optional(Type.String()),
  planCode: Type.Optional(Type.String()),
  planName: Type.Optional(Type.String()),
  deductibleCents: Type.Optional(Type.Integer()),
  disappearingDeductible: Type.Optional(
    Type.Boolean({ description: 'The deductible is waived when the repair is done at the selling dealer' }),
  ),
  sellingDealerCode: Type.Optional(Nullable(Type.String())),
  expiresOn: Type.Optional(Type.String()),
  expiresAtMiles: Type.Optional(Nullable(Type.Integer())),
  waitingPeriodEndsOn: Type.Optional(Nullable(Type.String())),
  waitingPeriodEndsAtMiles: Type.Optional(Nullable(Type.Integer())),
  vehicle: Type.Optional(Type.Object({ year: Type.Integer(), make: Type.String(), model: Type.String() })),
});
