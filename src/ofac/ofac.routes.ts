// OFAC screening for administrators: load the SDN list (sdn.csv, then optionally alt.csv; text/csv,
// streamed), see the loaded list, and review the payments a possible match holds (release or block,
// with a reason; audited).
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { Nullable, problemResponses, StringEnum, Uuid } from '../platform/http/schemas.js';
import { streamedBody } from '../platform/http/streamed-body.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { AppError } from '../shared/errors.js';
import { actorOf } from '../shared/principal.js';
import type { OfacService } from './ofac.service.js';

const ADMIN = ['admin'] as const;
const TAGS = ['OFAC screening'];
/** The SDN list's CSV release is about 5 MB with alt.csv; this bounds a wrong upload. */
const MAX_SDN_BYTES = 64 * 1024 * 1024;

const OfacListSchema = Type.Object(
  {
    id: Type.String(),
    loadedAt: Type.String({ format: 'date-time' }),
    loadedBy: Type.String(),
    entryCount: Type.Integer(),
    alternateCount: Type.Integer(),
  },
  { $id: 'OfacList' },
);

const OfacHoldSchema = Type.Object(
  {
    id: Type.String(),
    status: StringEnum(['held', 'released', 'blocked'] as const),
    payeeName: Type.String(),
    payeeType: StringEnum(['repair_facility', 'holder', 'lienholder'] as const),
    amountCents: Type.Integer(),
    method: StringEnum(['ach', 'check'] as const),
    runId: Type.String({
      description:
        'The newest run that holds the payment (a payable has one open hold, reused by each preview)',
    }),
    runNumber: Type.Integer(),
    source: Type.Object({ type: Type.String(), id: Type.String() }),
    score: Type.Number({ description: 'Jaro–Winkler similarity of the normalized names, 0–1' }),
    matchedEntry: Type.Object({
      listId: Type.String(),
      entNum: Type.Integer({ description: "The SDN entry's ent_num" }),
      name: Type.String(),
      sdnType: Nullable(Type.String()),
      program: Nullable(Type.String()),
      remarks: Nullable(Type.String()),
    }),
    decidedBy: Nullable(Type.String()),
    decidedAt: Nullable(Type.String({ format: 'date-time' })),
    decisionReason: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'OfacHold' },
);

const SEND_CSV = 'Send the file as text/csv.';

export function registerOfacRoutes(
  app: TypedApp,
  deps: { ofac: OfacService; db: Kysely<Database>; clock: Clock },
): void {
  const { ofac, db, clock } = deps;
  app.addSchema(OfacListSchema);
  app.addSchema(OfacHoldSchema);

  void app.register(async (scoped: TypedApp) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

    scoped.post(
      '/api/v1/ofac/sdn-lists',
      {
        config: { access: ADMIN },
        bodyLimit: MAX_SDN_BYTES,
        schema: {
          tags: TAGS,
          operationId: 'loadOfacSdnList',
          summary: "Load the Treasury's SDN list (sdn.csv, text/csv, streamed)",
          description:
            "OFAC's legacy CSV release: no header row; columns ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, " +
            'Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks; `-0-` is empty. The list is loaded whole or not at ' +
            'all (422 `sdn_file_invalid` with the line; a byte that is not UTF-8 refuses the file too, naming its line and ' +
            'column) and screens every run previewed from then on.',
          response: { 201: Type.Ref('OfacList'), ...problemResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        // Refused part-way, the rest of the body is read and dropped after the answer (streamed-body.ts).
        const list = await ofac.loadSdnList(
          streamedBody(request, reply, SEND_CSV),
          actorOf(request.principal),
          request.id,
        );
        return reply.status(201).send(list);
      },
    );

    scoped.post(
      '/api/v1/ofac/sdn-lists/:id/alternates',
      {
        config: { access: ADMIN },
        bodyLimit: MAX_SDN_BYTES,
        schema: {
          tags: TAGS,
          operationId: 'loadOfacAlternateNames',
          summary: "Add alt.csv's alternate names (a.k.a.) to a loaded SDN list",
          description:
            'Columns ent_num, alt_num, alt_type, alt_name, alt_remarks; no header. Each alternate is screened like the ' +
            "entry's own name and shows that entry when it matches. Read as UTF-8 like sdn.csv (422 `sdn_file_invalid`).",
          params: Type.Object({ id: Uuid }),
          response: { 200: Type.Ref('OfacList'), ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
        },
      },
      async (request, reply) =>
        ofac.loadAlternates(
          request.params.id,
          streamedBody(request, reply, SEND_CSV),
          actorOf(request.principal),
          request.id,
        ),
    );
  });

  app.get(
    '/api/v1/ofac/sdn-lists/current',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'getCurrentOfacSdnList',
        description:
          'Compliance staff. The newest loaded SDN list, which screening uses now; 404 when none has been loaded.',
        summary: 'The SDN list screening uses now (the newest loaded)',
        response: { 200: Type.Ref('OfacList'), ...problemResponses(401, 403, 404) },
      },
    },
    async () => {
      const list = await ofac.currentList();
      if (!list) throw new AppError('not_found', 'No SDN list is loaded.');
      return list;
    },
  );

  app.get(
    '/api/v1/ofac/holds',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'listOfacHolds',
        description:
          'Compliance staff. Payments held for a possible SDN match, waiting for a decision, newest first: one ' +
          'hold per payable, however many runs previewed it.',
        summary: 'Payments held by a possible SDN match, newest first',
        querystring: Type.Object({
          status: Type.Optional(StringEnum(['held', 'released', 'blocked'] as const)),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
        }),
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('OfacHold')), hasMore: Type.Boolean() }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => ofac.holds({ status: request.query.status, limit: request.query.limit ?? 20 }),
  );

  app.post(
    '/api/v1/ofac/holds/:id/decision',
    {
      config: { access: ADMIN },
      schema: {
        tags: TAGS,
        operationId: 'decideOfacHold',
        summary: 'Release a held payment (a false positive) or block it, with a reason',
        description:
          'Released: the payment is ready in every draft run that holds it, else it is taken by the next run ' +
          '(and not held again). Blocked: it is blocked in every draft run that holds it and no run pays it. ' +
          'Audited with the reason. 409 `ofac_hold_decided` when someone decided first (a decided hold is final).',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            decision: StringEnum(['release', 'block'] as const),
            reason: Type.String({ minLength: 1, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('OfacHold'), ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      return sendIdempotent({ db, clock }, request, reply, 200, (run) =>
        ofac.decide(run, request.params.id, request.body, actorOf(request.principal), request.id),
      );
    },
  );
}
