import { Type } from 'typebox';
import { problemResponses, StringEnum } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import type { SearchService } from './search.service.js';

const SearchResultSchema = Type.Object({
  type: StringEnum(['contract', 'repair_claim', 'gap_claim', 'holder'] as const),
  id: Type.String({ description: "The object's id (a holder's: their first contract's)" }),
  title: Type.String(),
  subtitle: Type.String(),
  href: Type.String({ description: 'Where the object opens in the web app' }),
  matchedBy: StringEnum(['number', 'vin', 'phone', 'name'] as const, {
    description: 'Which reading of the query found it',
  }),
});

export function registerSearchRoutes(app: TypedApp, deps: { search: SearchService }): void {
  app.get(
    '/api/v1/search',
    {
      config: { access: ['reviewer', 'adjuster', 'admin'] },
      schema: {
        tags: ['Search'],
        operationId: 'searchStaff',
        summary: 'Find a contract, claim or holder by number, VIN, name or phone',
        description:
          'The staff search box. `q` is read every way it can mean: a contract, claim or authorization ' +
          'number (exact), a VIN (whole, or its last 6 characters or more), a phone number (10 digits, ' +
          'any punctuation), or a holder name ("Garcia", "Maria Garcia", "Garcia, Maria"). Results are ' +
          'typed and link to their page; a role sees only the types it can open (a reviewer gets no ' +
          'repair claims). A query that can mean nothing is 400 `validation_failed` with `param` = `q`.',
        querystring: Type.Object({
          q: Type.String({ minLength: 2, maxLength: 100, description: 'What to look for' }),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
        }),
        response: {
          200: Type.Object({ query: Type.String(), data: Type.Array(SearchResultSchema) }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => deps.search.search(request.query.q, request.principal!, request.query.limit ?? 20),
  );
}
