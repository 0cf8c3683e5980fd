// Schema building blocks shared by every route: problem documents, pagination and enums that render
// well in OpenAPI 3.0.
import { type TSchema, type TUnsafe, Type } from 'typebox';

/** A string enum as OpenAPI 3.0 understands it (`enum`, not `anyOf` of consts). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable snake_case error code (see API.md)' }),
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

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  startingAfter: Type.Optional(
    Type.String({ maxLength: 100, description: 'Id of the last item of the previous page' }),
  ),
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), hasMore: Type.Boolean() });
}

export const Uuid = Type.String({ format: 'uuid' });
