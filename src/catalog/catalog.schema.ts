// The product catalog's shape: plans, component groups, benefit limits, fees and state rules as one
// versioned JSON document (docs/domain.md "Products and tiers", "Benefits", "Transfers", "Cancellations").
// The same TypeBox schema validates an uploaded catalog and describes it in the OpenAPI document;
// rules that span several fields (references, uniqueness, conflicts) live in catalog.validation.ts.

import { type Static, Type } from 'typebox';
import { Nullable } from '../platform/http/schemas.js';
import { PRODUCTS } from '../shared/products.js';

// Money is integer cents (docs/style.md "Data and money"), at most $10,000,000: catalog amounts (deductibles,
// limits, fees) reach int4 columns of claims, so they stay under 2^31 cents.
const Cents = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000_000, description });

// Days, miles and counts: a million at most, so that date arithmetic stays within four-digit years.
const WholeNumber = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000, description });

// A share of a price, in basis points (1% = 100): 0 to 100%.
const BasisPointsOfPrice = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 10_000, description });

const Hours = (description: string) => Type.Number({ minimum: 0, maximum: 1_000, description });

const Text = (description: string) => Type.String({ minLength: 1, maxLength: 2_000, description });

/** UPPER_SNAKE plan codes (BASIC_GUARD, GAP); contracts store them, so they never change meaning. */
export const PlanCodeSchema = Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 64 });
/** lower_snake codes of component groups and document types. */
export const ItemCodeSchema = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 });
/** Two-letter region code; catalog.validation.ts checks it against regions.ts. */
export const RegionCodeSchema = Type.String({ pattern: '^[A-Z]{2}$' });

export const ProductSchema = Type.Enum(PRODUCTS);
export const CancellationMethodSchema = Type.Enum(['pro_rata', 'rule_of_78s']);
export const RoadsideServiceSchema = Type.Enum([
  'tow',
  'jump_start',
  'flat_tire',
  'lockout',
  'fuel_delivery',
]);

export const CancellationRuleSchema = Type.Object(
  {
    freeLookDays: WholeNumber(
      'Days after purchase (inclusive) in which a cancellation with no claims is refunded in full.',
    ),
    method: CancellationMethodSchema,
    adminFeeCents: Cents('Administrative fee deducted from a refund after the free look.'),
    adminFeeMaxBasisPointsOfPrice: Nullable(
      BasisPointsOfPrice('The fee may not exceed this share of the price (CA: 10% = 1000).'),
    ),
    claimsDeducted: Type.Boolean({ description: 'Whether claims paid are deducted from the refund.' }),
    refundDueDays: Type.Optional(
      WholeNumber(
        'A refund is due this many days after the cancellation date (a state sets its own deadline; default 30). The method also decides how premium is earned: pro rata by days, or rule of 78s.',
      ),
    ),
  },
  { additionalProperties: false },
);

export const RentalRuleSchema = Type.Object(
  {
    dailyLimitCents: Cents('Most paid for one day of rental car or public transport.'),
    perVisitLimitCents: Cents('Most paid for one repair visit.'),
    minLaborHours: Hours(
      'Rental applies when the covered repair needs at least this many labor-guide hours.',
    ),
    overnightQualifies: Type.Boolean({
      description: 'When true, keeping the vehicle overnight also qualifies.',
    }),
    reviewBusinessDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60,
        description:
          'Staff review a claim by the end of this many business days after the business day it is filed (the work-queue due date). Absent: the document-review SLA setting.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const TripInterruptionRuleSchema = Type.Object(
  {
    dailyLimitCents: Cents('Most paid for lodging and meals for one day.'),
    maxDays: WholeNumber('Most days paid per occurrence.'),
    minMilesFromHome: WholeNumber('The breakdown must happen more than this many miles from home.'),
    reviewBusinessDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60,
        description:
          'Staff review a claim by the end of this many business days after the business day it is filed (the work-queue due date). Absent: the document-review SLA setting.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RoadsideRuleSchema = Type.Object(
  {
    perEventLimitCents: Cents('Most paid for one disablement.'),
    services: Type.Array(RoadsideServiceSchema, { uniqueItems: true, maxItems: 5 }),
  },
  { additionalProperties: false },
);

export const GapRuleSchema = Type.Object(
  {
    deductibleCoverMaxCents: Cents("Most of the primary insurer's deductible that the benefit adds back."),
    ltvCapBasisPoints: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      description: 'Loan-to-value cap as a share of MSRP / retail book (150% = 15000); can exceed 100%.',
    }),
    maxBenefitCents: Cents('Most paid for one loss.'),
    documentsDueDays: WholeNumber("Days after the insurer's settlement in which the documents are due."),
    pastDueMinDays: WholeNumber('Payments more than this many days past due are removed from the payoff.'),
  },
  { additionalProperties: false },
);

export const TransferRuleSchema = Type.Object(
  {
    allowed: Type.Boolean(),
    feeCents: Cents('Transfer fee.'),
    windowDays: WholeNumber(
      'The transfer must be reported within this many days of the change of ownership.',
    ),
    privateSaleOnly: Type.Boolean({ description: 'True when a dealer sale or trade-in cannot transfer.' }),
  },
  { additionalProperties: false },
);

const NamedItemSchema = Type.Object(
  {
    code: ItemCodeSchema,
    name: Text('Name shown to people.'),
    description: Text('What it covers or means.'),
  },
  { additionalProperties: false },
);

export const ComponentGroupSchema = NamedItemSchema;
export const DocumentTypeSchema = NamedItemSchema;

const TermOptionSchema = Type.Object(
  {
    months: Type.Integer({ minimum: 1, maximum: 240 }),
    miles: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);

const AllowedCancellationMethodsSchema = Type.Array(CancellationMethodSchema, {
  minItems: 1,
  uniqueItems: true,
  description:
    "Refund methods the plan's contract form permits; the plan's method and any state rule's method must be one of them.",
});

const CodeListSchema = (description: string) =>
  Type.Array(ItemCodeSchema, { uniqueItems: true, maxItems: 200, description });

export const VscPlanSchema = Type.Object(
  {
    code: PlanCodeSchema,
    name: Text('Plan name shown to people.'),
    description: Type.Optional(Text('Notes for administrators.')),
    product: Type.Literal('vsc'),
    style: Type.Enum(['stated_component', 'exclusionary']),
    coveredComponentGroups: CodeListSchema(
      'Stated-component plans: the groups covered. Empty for exclusionary plans.',
    ),
    excludedComponentGroups: CodeListSchema(
      'Exclusionary plans: every catalog group is covered except these. Empty for stated-component plans.',
    ),
    deductibleOptionsCents: Type.Array(Cents('A deductible the buyer may choose.'), {
      minItems: 1,
      uniqueItems: true,
      maxItems: 20,
    }),
    disappearingDeductibleCents: Nullable(
      Cents('This deductible is waived when the repair is done at the selling dealer.'),
    ),
    deductiblePer: Type.Enum(['repair_visit', 'repair_line']),
    termOptions: Type.Array(TermOptionSchema, { minItems: 1, maxItems: 50 }),
    waitingPeriod: Type.Object(
      {
        days: WholeNumber('Waiting days when sold after the vehicle sale and out of factory warranty.'),
        miles: WholeNumber('Waiting miles, the lesser of the two applies.'),
      },
      { additionalProperties: false },
    ),
    renewal: Type.Object(
      {
        minMonthsRemaining: WholeNumber('Renewal is allowed while at least this many months remain.'),
        minMilesRemaining: WholeNumber('Renewal also needs at least this many miles remaining.'),
      },
      { additionalProperties: false },
    ),
    benefits: Type.Object(
      {
        roadside: RoadsideRuleSchema,
        rental: Nullable(RentalRuleSchema, {
          description: 'Null when the plan has no rental.',
        }),
        tripInterruption: Nullable(TripInterruptionRuleSchema, {
          description: 'Null when the plan has no trip interruption.',
        }),
      },
      { additionalProperties: false },
    ),
    claims: Type.Object(
      {
        inspectionThresholdCents: Cents(
          'Estimates above this amount may need an inspection before authorization.',
        ),
        laborRateCapCents: Nullable(
          Cents('Highest hourly shop rate paid; null when the posted rate is paid.'),
        ),
        repairOrderDueDays: WholeNumber(
          'Days after authorization in which the repair order must be submitted.',
        ),
        minLaborHours: Type.Optional(
          Hours('Claim-level minimum of labor-guide hours, when the contract form sets one.'),
        ),
        repeatClaimWindowDays: Type.Optional(
          WholeNumber(
            'Staff queues flag a claim on the same VIN and component group as another within this many days.',
          ),
        ),
        earlyClaimDays: Type.Optional(
          WholeNumber(
            "Staff queues flag a claim submitted within this many days of the contract's purchase.",
          ),
        ),
      },
      { additionalProperties: false },
    ),
    allowedCancellationMethods: AllowedCancellationMethodsSchema,
    cancellation: CancellationRuleSchema,
    transfer: TransferRuleSchema,
  },
  { additionalProperties: false },
);

export const GapPlanSchema = Type.Object(
  {
    code: PlanCodeSchema,
    name: Text('Plan name shown to people.'),
    description: Type.Optional(Text('Notes for administrators.')),
    product: Type.Literal('gap'),
    gap: GapRuleSchema,
    requiredDocuments: Type.Object(
      {
        total_loss: CodeListSchema('Document types a total-loss claim needs.'),
        theft: CodeListSchema('Document types a theft claim needs.'),
        theft_recovered: CodeListSchema('Document types a theft claim needs once the vehicle was recovered.'),
      },
      { additionalProperties: false },
    ),
    allowedCancellationMethods: AllowedCancellationMethodsSchema,
    cancellation: CancellationRuleSchema,
    transfer: TransferRuleSchema,
  },
  { additionalProperties: false },
);

export const PlanSchema = Type.Union([VscPlanSchema, GapPlanSchema]);

export const StateRuleOverridesSchema = Type.Object(
  {
    tripInterruptionAvailable: Type.Optional(
      Type.Boolean({ description: 'False removes trip interruption from contracts bought in the state.' }),
    ),
    rentalAvailable: Type.Optional(
      Type.Boolean({ description: 'False removes rental from contracts bought in the state.' }),
    ),
    cancellation: Type.Optional(Type.Partial(CancellationRuleSchema, { additionalProperties: false })),
    transfer: Type.Optional(Type.Partial(TransferRuleSchema, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const StateRuleSchema = Type.Object(
  {
    id: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$',
      maxLength: 100,
      description: 'Stable rule id, e.g. KS-trip-interruption; shown in audit trails and rule sources.',
    }),
    state: RegionCodeSchema,
    products: Type.Array(ProductSchema, { minItems: 1, uniqueItems: true }),
    planCodes: Type.Optional(
      Type.Array(PlanCodeSchema, {
        minItems: 1,
        uniqueItems: true,
        description: 'Limits the rule to these plans; absent = every plan of the products.',
      }),
    ),
    sentence: Text('The rule in plain English, for the holder.'),
    overrides: StateRuleOverridesSchema,
  },
  { additionalProperties: false },
);

// Rating (docs/domain.md "Selling through dealers"): what a dealer pays for each offer and what it may
// charge. Every figure is data; rating.ts prices a vehicle from it.
const SignedCents = (description: string) =>
  Type.Integer({ minimum: -100_000_000, maximum: 100_000_000, description });
export const VehicleClassCodeSchema = Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 16 });
export const SurchargeConditionSchema = Type.Enum(['four_wheel_drive', 'turbo', 'diesel', 'commercial_use']);

export const RatingSchema = Type.Object(
  {
    vehicleClasses: Type.Array(
      Type.Object(
        {
          code: VehicleClassCodeSchema,
          name: Text('Class name shown to dealers.'),
          makes: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), {
            minItems: 1,
            maxItems: 500,
            description:
              'Makes rated in this class (matched without regard to case); a make in no class is not rated.',
          }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    vscRates: Type.Array(
      Type.Object(
        {
          planCode: PlanCodeSchema,
          vehicleClass: VehicleClassCodeSchema,
          termMonths: Type.Integer({ minimum: 1, maximum: 240 }),
          termMiles: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          dealerCostCents: Cents('Base dealer cost for the plan, class and term (the rate table).'),
        },
        { additionalProperties: false },
      ),
      { maxItems: 5_000 },
    ),
    deductibleAdjustments: Type.Array(
      Type.Object(
        {
          deductibleCents: Cents('The deductible chosen.'),
          amountCents: SignedCents('Added to the dealer cost (negative lowers it).'),
        },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
    surcharges: Type.Array(
      Type.Object(
        {
          condition: SurchargeConditionSchema,
          label: Text('The line shown on the offer.'),
          amountCents: Type.Optional(Cents('A fixed amount added to the dealer cost.')),
          tableRateBasisPoints: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 100_000,
              description: 'A share of the table rate added (commercial use × 1.5 = 5000).',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
    eligibility: Type.Array(
      Type.Object(
        {
          planCode: PlanCodeSchema,
          maxVehicleAgeYears: WholeNumber('Sale year minus model year may be at most this.'),
          maxOdometer: WholeNumber('Miles at sale may be at most this.'),
          commercialUse: Type.Boolean({
            description: 'Whether the plan is sold for a vehicle in commercial use.',
          }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
    gapRates: Type.Array(
      Type.Object(
        {
          planCode: PlanCodeSchema,
          termMonths: Type.Integer({ minimum: 1, maximum: 240, description: 'Must equal the loan term.' }),
          dealerCostCents: Cents('Dealer cost of the GAP addendum for that loan term.'),
        },
        { additionalProperties: false },
      ),
      { maxItems: 500 },
    ),
    maxMarkupCents: Cents('Retail may be at most dealer cost plus this.'),
    stateMarkupCaps: Type.Array(
      Type.Object(
        { state: RegionCodeSchema, maxMarkupCents: Cents('A lower markup cap in this state of sale.') },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    rateValidityDays: Type.Integer({
      minimum: 1,
      maximum: 365,
      description: 'Days a stored rate may be booked.',
    }),
    voidWindowDays: WholeNumber('Days after the sale in which the dealer may void a contract with no claim.'),
  },
  { additionalProperties: false },
);

export const CatalogSchema = Type.Object(
  {
    name: Text('Catalog name.'),
    description: Type.Optional(Text('Notes for administrators.')),
    componentGroups: Type.Array(ComponentGroupSchema, { maxItems: 200 }),
    plans: Type.Array(PlanSchema, { minItems: 1, maxItems: 200 }),
    stateRules: Type.Array(StateRuleSchema, { maxItems: 2_000 }),
    documentTypes: Type.Array(DocumentTypeSchema, { maxItems: 200 }),
    rating: Type.Optional(RatingSchema),
  },
  { additionalProperties: false },
);

export type Product = Static<typeof ProductSchema>;
export type CancellationMethod = Static<typeof CancellationMethodSchema>;
export type RoadsideService = Static<typeof RoadsideServiceSchema>;
export type CancellationRule = Static<typeof CancellationRuleSchema>;
export type RentalRule = Static<typeof RentalRuleSchema>;
export type TripInterruptionRule = Static<typeof TripInterruptionRuleSchema>;
export type RoadsideRule = Static<typeof RoadsideRuleSchema>;
export type GapRule = Static<typeof GapRuleSchema>;
export type TransferRule = Static<typeof TransferRuleSchema>;
export type VscPlan = Static<typeof VscPlanSchema>;
export type GapPlan = Static<typeof GapPlanSchema>;
export type Plan = Static<typeof PlanSchema>;
export type StateRuleOverrides = Static<typeof StateRuleOverridesSchema>;
export type StateRule = Static<typeof StateRuleSchema>;
export type ComponentGroup = Static<typeof ComponentGroupSchema>;
export type DocumentType = Static<typeof DocumentTypeSchema>;
export type Catalog = Static<typeof CatalogSchema>;
export type Rating = Static<typeof RatingSchema>;
export type SurchargeCondition = Static<typeof SurchargeConditionSchema>;
/** The loss types a GAP plan lists required documents for. */
export type GapLossType = keyof GapPlan['requiredDocuments'];
