// Request and response schemas of roadside requests (docs/api.md "Benefits").
import { Type } from 'typebox';
import { Nullable, StringEnum, Uuid } from '../platform/http/schemas.js';
import { NON_BLANK_PATTERN, PHONE_PATTERN } from '../platform/validation.js';

export const ROADSIDE_SERVICES = ['tow', 'jump_start', 'flat_tire', 'lockout', 'fuel_delivery'] as const;
export const ROADSIDE_STATUSES = ['requested', 'dispatched', 'completed', 'cancelled'] as const;

export const LocationSchema = Type.Object(
  {
    address: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: NON_BLANK_PATTERN })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  },
  { additionalProperties: false },
);

export const RoadsideBodySchema = Type.Object(
  {
    contractId: Uuid,
    service: StringEnum(ROADSIDE_SERVICES),
    location: LocationSchema,
    phone: Type.String({ minLength: 7, maxLength: 40, pattern: PHONE_PATTERN }),
  },
  { additionalProperties: false },
);

export const RoadsideStatusBodySchema = Type.Object(
  {
    status: StringEnum(['dispatched', 'completed', 'cancelled'] as const),
    towingCostCents: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'A completed tow: what the tow cost' }),
    ),
  },
  { additionalProperties: false },
);

export const RoadsideRequestSchema = Type.Object({
  id: Type.String(),
  contractId: Type.String(),
  service: StringEnum(ROADSIDE_SERVICES),
  status: StringEnum(ROADSIDE_STATUSES),
  location: LocationSchema,
  phone: Type.String(),
  perEventLimitCents: Type.Integer(),
  towing: Nullable(
    Type.Object({
      requestedCents: Type.Integer(),
      payableCents: Type.Integer(),
      lines: Type.Array(
        Type.Object({
          label: Type.String({ description: 'The line in English' }),
          code: Type.Optional(Type.String({ description: 'towing: say it from `params` in any language' })),
          params: Type.Optional(
            Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
              description: 'requestedCents, payableCents, perEventLimitCents, capped (0/1)',
            }),
          ),
          amountCents: Type.Integer(),
        }),
      ),
    }),
  ),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
