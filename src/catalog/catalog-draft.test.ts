// The catalog editor's draft over HTTP, on both engines: start, save with problems, conflicting
// saves, publish with a note, and what the audit trail keeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { FakeClock } from '../platform/clock.js';
import { loadDefaultCatalog } from './default-catalog.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
const DEFAULT_PLAN_COUNT = loadDefaultCatalog().plans.length;

type Doc = {
  plans: { product: string; code: string; benefits?: { rental: { dailyLimitCents: number } | null } }[];
};

describeEachEngine('the catalog draft', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  let adjuster: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
  });
  afterAll(() => server.close());

  const rentalPlan = (doc: Doc) => doc.plans.findIndex((p) => p.product === 'vsc' && p.benefits?.rental);

  describe('in order', () => {
    let revision: number;
    let document: Doc;
    let currentVersion: number;

    it('has no draft until one is started, and only admins reach it', async () => {
      expect((await admin({ url: '/api/v1/catalog/draft' })).json()).toMatchObject({
        code: 'no_catalog_draft',
      });
      expect((await adjuster({ url: '/api/v1/catalog/draft' })).statusCode).toBe(403);
    });

    it('starts a draft from the current version, with no problems and no changes', async () => {
      const started = await admin({
        method: 'PUT',
        url: '/api/v1/catalog/draft',
        payload: { revision: null },
      });
      expect(started.statusCode).toBe(200);
      const body = started.json();
      expect(body).toMatchObject({ revision: 1, errors: [], changes: [], updatedBy: 'admin@coverwise.test' });
      expect(body.baseVersion).toBe(body.currentVersion);
      revision = body.revision;
      document = body.document;
      currentVersion = body.currentVersion;
    });

    it('keeps an unfinished draft and answers the validator’s reasons by field', async () => {
      const index = rentalPlan(document);
      const broken = structuredClone(document);
      (broken.plans[index]!.benefits!.rental as unknown as { dailyLimitCents: number }).dailyLimitCents = -5;
      const saved = await admin({
        method: 'PUT',
        url: '/api/v1/catalog/draft',
        payload: { revision, document: broken },
      });
      expect(saved.statusCode).toBe(200);
      const body = saved.json();
      expect(body.revision).toBe(revision + 1);
      expect(body.errors.map((e: { path: string }) => e.path)).toContain(
        `/plans/${index}/benefits/rental/dailyLimitCents`,
      );
      revision = body.revision;
    });

    it('refuses a save based on an older revision (nothing is overwritten)', async () => {
      const stale = await admin({
        method: 'PUT',
        url: '/api/v1/catalog/draft',
        payload: { revision: revision - 1, document },
      });
      expect(stale.statusCode).toBe(409);
      expect(stale.json()).toMatchObject({ code: 'catalog_draft_changed', param: 'revision' });
      expect((await admin({ url: '/api/v1/catalog/draft' })).json().revision).toBe(revision);
    });

    it('refuses to publish a draft with problems, with every reason', async () => {
      const refused = await admin({
        method: 'POST',
        url: '/api/v1/catalog/draft/publication',
        payload: { note: 'Try', currentVersion, revision },
      });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().code).toBe('invalid_catalog');
    });

    it('shows a fixed change as one row of the diff, and publishes it with its note', async () => {
      const index = rentalPlan(document);
      const fixed = structuredClone(document);
      const before = fixed.plans[index]!.benefits!.rental!.dailyLimitCents;
      fixed.plans[index]!.benefits!.rental!.dailyLimitCents = before + 500;
      const saved = (
        await admin({ method: 'PUT', url: '/api/v1/catalog/draft', payload: { revision, document: fixed } })
      ).json();
      expect(saved.errors).toEqual([]);
      expect(saved.changes).toEqual([
        expect.objectContaining({
          path: `/plans/${index}/benefits/rental/dailyLimitCents`,
          kind: 'changed',
          current: before,
          draft: before + 500,
          cents: true,
        }),
      ]);
      const noNote = await admin({
        method: 'POST',
        url: '/api/v1/catalog/draft/publication',
        payload: { note: ' ', currentVersion, revision: saved.revision },
      });
      expect(noNote.statusCode).toBe(400);
      const published = await admin({
        method: 'POST',
        url: '/api/v1/catalog/draft/publication',
        headers: { 'idempotency-key': 'publish-rental-raise' },
        payload: { note: 'Rental follows local prices', currentVersion, revision: saved.revision },
      });
      expect(published.statusCode).toBe(201);
      expect(published.json().version).toBe(currentVersion + 1);
      const catalog = (await admin({ url: '/api/v1/catalog' })).json();
      expect(catalog).toMatchObject({ version: currentVersion + 1, note: 'Rental follows local prices' });
      expect(catalog.document.plans[index].benefits.rental.dailyLimitCents).toBe(before + 500);
      expect((await admin({ url: '/api/v1/catalog/draft' })).statusCode).toBe(404);
      const audit = await server.built.database.db
        .selectFrom('audit_events')
        .select(['action', 'reason'])
        .where('entity_type', '=', 'catalog')
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining(['catalog.draft_started', 'catalog.published']),
      );
      expect(audit.findLast((a) => a.action === 'catalog.published')?.reason).toBe(
        'Rental follows local prices',
      );
    });

    it('refuses to publish a draft compared with an older version, and discards a draft (audited)', async () => {
      const started = (
        await admin({ method: 'PUT', url: '/api/v1/catalog/draft', payload: { revision: null } })
      ).json();
      const outdated = await admin({
        method: 'POST',
        url: '/api/v1/catalog/draft/publication',
        payload: { note: 'Old view', currentVersion: started.currentVersion - 1, revision: started.revision },
      });
      expect(outdated.statusCode).toBe(409);
      expect(outdated.json()).toMatchObject({ code: 'catalog_draft_outdated', param: 'currentVersion' });
      expect((await admin({ method: 'DELETE', url: '/api/v1/catalog/draft' })).statusCode).toBe(204);
      expect((await admin({ method: 'DELETE', url: '/api/v1/catalog/draft' })).statusCode).toBe(404);
      const discarded = await server.built.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', '=', 'catalog.draft_discarded')
        .execute();
      expect(discarded).toHaveLength(1);
    });

    it.each([
      [
        'a plans list that is not a list',
        (d: Record<string, unknown>) => ({ ...d, plans: 'nope' }),
        'document.plans',
      ],
      [
        'a plan that is not an object',
        (d: Record<string, unknown>) => ({ ...d, plans: [...(d.plans as unknown[]), 7] }),
        `document.plans[${DEFAULT_PLAN_COUNT}]`,
      ],
      [
        "a plan's term options that are not a list",
        (d: Record<string, unknown>) => ({
          ...d,
          plans: (d.plans as Record<string, unknown>[]).map((plan, i) =>
            i === 0 ? { ...plan, termOptions: {} } : plan,
          ),
        }),
        'document.plans[0].termOptions',
      ],
    ])(
      'refuses a draft with %s (it could not be opened to be fixed), and keeps the one before',
      async (_case, change, param) => {
        const started = (
          await admin({ method: 'PUT', url: '/api/v1/catalog/draft', payload: { revision: null } })
        ).json();
        try {
          const refused = await admin({
            method: 'PUT',
            url: '/api/v1/catalog/draft',
            payload: { revision: started.revision, document: change(started.document) },
          });
          expect(refused.statusCode).toBe(400);
          expect(refused.json()).toMatchObject({ code: 'validation_failed', param });
          // An unfinished value is still fine: the validator lists it, publishing refuses it.
          const unfinished = await admin({
            method: 'PUT',
            url: '/api/v1/catalog/draft',
            payload: { revision: started.revision, document: { ...started.document, name: '' } },
          });
          expect(unfinished.statusCode, unfinished.body).toBe(200);
        } finally {
          await admin({ method: 'DELETE', url: '/api/v1/catalog/draft' });
        }
      },
    );
  });
});
