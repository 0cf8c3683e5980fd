// Schema building blocks shared by every route: problem documents, pagination and enums that render
// well in OpenAPI 3.0.
import { type TNull, type TSchema, type TSchemaOptions, type TUnion, type TUnsafe, Type } from 'typebox';
import { HOLDER_LANGUAGES } from '../../shared/language.js';
import { PRODUCTS } from '../../shared/products.js';
import { NON_BLANK_PATTERN } from '../validation.js';

/** A string enum as OpenAPI 3.0 understands it (`enum`, not `anyOf` of consts). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * Free text a request must give: not empty and not only spaces (`"   "` is 400 validation_failed, `param`
 * the field, "must not be blank"). The service stores it trimmed.
 */
export function NonBlankText(maxLength: number, options: { description?: string } = {}) {
  return Type.String({ minLength: 1, maxLength, pattern: NON_BLANK_PATTERN, ...options });
}

/** A product code in a request or an answer: `vsc` or `gap`. */
export const ProductField = StringEnum(PRODUCTS);

/**
 * A value or null, written as TypeBox writes it: `anyOf: [S, {type: 'null'}]` (the response serializer
 * turns that into a direct nullable, see serializer-cache.ts). Options (a description) go on the union.
 */
export function Nullable<T extends TSchema>(schema: T, options?: TSchemaOptions): TUnion<[T, TNull]> {
  return Type.Union([schema, Type.Null()], options);
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable snake_case error code (see docs/api.md)' }),
    detail: Type.String(),
    param: Type.Optional(Type.String({ description: 'The request field the error is about' })),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    requestId: Type.Optional(Type.String()),
  },
  { $id: 'Problem', description: 'RFC 9457 problem document' },
);

/** Response schemas for the error statuses a route can answer. */
export function problemResponses(...statuses: number[]): Record<number, TSchema> {
  const responses: Record<number, TSchema> = {};
  for (const status of statuses) responses[status] = Type.Ref('Problem');
  return responses;
}

export const Uuid = Type.String({ format: 'uuid' });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  // A cursor is the id of a row: anything but a UUID is refused here (it answered 500 from PostgreSQL).
  startingAfter: Type.Optional(
    Type.String({ format: 'uuid', description: 'Id of the last item of the previous page' }),
  ),
};

/**
 * Calendar dates the API takes: `YYYY-MM-DD` in the years 1900–2199. Outside that window a date is
 * refused by the schema (400 naming the field): year 0 is no PostgreSQL date, and a term added to a date
 * near 9999 leaves the four-digit years. `strict` also checks the day exists (2026-02-30 is a 400);
 * otherwise the service judges it (422 invalid_date).
 */
export const DATE_INPUT_PATTERN = '^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$';

export function DateInput(description: string, options: { strict?: boolean } = {}) {
  return Type.String({
    pattern: DATE_INPUT_PATTERN,
    ...(options.strict ? { format: 'date' } : {}),
    description: `${description} (YYYY-MM-DD, years 1900–2199)`,
  });
}

export function Page<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), hasMore: Type.Boolean() });
}

/**
 * A response that is a file, not JSON (a PDF, a CSV, an upload): described in OpenAPI by its content
 * types. Fastify does not serialize a Buffer or a stream, so the schema only documents it.
 */
export function FileResponse(description: string, contentTypes: readonly string[]) {
  return Type.Unsafe<unknown>({
    description,
    content: Object.fromEntries(
      contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
    ),
  });
}

/**
 * The holder's language as the holder pages send it (their switch's choice, docs/languages.md): the
 * emails this request leads to, and later ones about the same contract or account, are written in it.
 */
export const LanguageInput = StringEnum(HOLDER_LANGUAGES, {
  description:
    "The holder's language (en, es), the holder pages' choice: emails this leads to, and later ones, are written in it; English when not sent",
});

/** A sentence as a stable code and its parameters, for a client to say in its reader's language. */
export const TextItemSchema = Type.Object({
  code: Type.String(),
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
});

/** A state rule's note: the catalog's English sentence, and its id and parameters to translate it by. */
export const StateRuleNoteSchema = Type.Object({
  ruleId: Type.String({ description: 'The rule (a client translates it by id, e.g. stateRule.<ruleId>)' }),
  sentence: Type.String({ description: 'The rule in English, as the catalog words it' }),
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
    description:
      'What the rule sets: state, then each override by a camel-case name of its path (tripInterruptionAvailable, cancellationAdminFeeCents, cancellationFreeLookDays, transferFeeCents, …); booleans as 0/1',
  }),
});
