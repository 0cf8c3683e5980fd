// The claim, document and work-queue queries a busy day repeats read through indexes, never a
// sequential scan of contracts, claims or documents (issue 9), on a portfolio of 20k contracts with
// 20k repair claims, 10k GAP claims and 20k claim documents.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copySyntheticContracts } from '../../bench/portfolio.js';
import { describeEachEngine, openTestDatabase } from '../../test/support/engines.js';
import { analyze, captureQueries, sequentialScans } from '../../test/support/explain.js';
import { createBusinessCalendar } from '../calendar/business-days.js';
import { insertCatalogVersion } from '../catalog/catalog.repository.js';
import { createCatalogService } from '../catalog/catalog.service.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { AWAITS_REVIEW } from '../documents/document.repository.js';
import { createDocumentsService } from '../documents/documents.service.js';
import { gapDocumentReviewSource } from '../gap-claims/gap-document-review.source.js';
import { FakeClock } from '../platform/clock.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { createFileDocumentStore } from '../platform/storage/document-store.js';
import { listRepairClaims } from '../repair-claims/repair-claim.repository.js';
import { repairClaimDecisionSource } from '../repair-claims/repair-claim.source.js';
import { createWorkQueue } from '../work-queue/work-queue.js';

const PORTFOLIO = 20_000;
const BIG_TABLES = new Set(['contracts', 'repair_claims', 'repair_claim_lines', 'gap_claims', 'documents']);
const clock = new FakeClock('2026-11-25T15:00:00Z');

describeEachEngine('claim, document and work-queue queries use indexes', (engine) => {
  let handle: DatabaseHandle;
  let facilityId: string;
  let contractId: string;
  let claimId: string;
  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    const { db } = handle;
    const catalog = loadDefaultCatalog();
    await insertCatalogVersion(db, { version: 1, document: catalog, publishedBy: 'test', note: null });
    await copySyntheticContracts(handle.copyFromCsv, { count: PORTFOLIO, catalog, catalogVersion: 1 });
    // Set-based seeding: facilities, one repair claim per contract (5% still submitted), a GAP claim
    // for every other contract (10% open) with two documents each (2% waiting for review).
    await sql`
      insert into repair_facilities (name, address_line1, city, region, postal_code, country, labor_rate_cents)
      select 'Shop ' || n, n || ' Main St', 'Springfield', 'MO', '64111', 'US', 12000
      from generate_series(1, 50) n`.execute(db);
    await sql`
      with c as (select id, vin, row_number() over (order by id) as n from contracts),
           f as (select id, row_number() over (order by id) - 1 as k from repair_facilities)
      insert into repair_claims (claim_number, contract_id, facility_id, status, vin, odometer, complaint, cause,
        correction, submitted_by, submitted_at)
      select 'RC-' || c.n, c.id, f.id,
        case when c.n % 20 = 0 then 'submitted' when c.n % 3 = 0 then 'denied' else 'paid' end,
        c.vin, 20000, 'noise', 'wear', 'replace', 'seed', timestamptz '2026-01-01' + c.n * interval '10 minutes'
      from c join f on f.k = c.n % 50`.execute(db);
    await sql`
      insert into gap_claims (claim_number, contract_id, status, loss_type, date_of_loss, required_documents,
        opened_at, opened_by)
      select 'GC-' || n, id, case when n % 10 = 0 then 'awaiting_documents' else 'paid' end, 'total_loss',
        date '2026-01-01', '[]'::jsonb, timestamptz '2026-01-01' + n * interval '10 minutes', 'seed'
      from (select id, row_number() over (order by id) as n from contracts) c where n % 2 = 0`.execute(db);
    await sql`
      insert into documents (contract_id, owner_type, owner_id, document_type, status, sha256, size_bytes,
        content_type, received_at, review_due_on, uploaded_by)
      select g.contract_id, 'gap_claim', g.id, t.type,
        case when (g.n + t.k) % 50 = 0 then 'pending_review' else 'accepted' end,
        md5(g.id::text || t.type), 1000, 'application/pdf', g.opened_at + interval '1 hour',
        case when (g.n + t.k) % 50 = 0 then date '2026-01-01' + (g.n % 400)::int end, 'holder'
      from (select id, contract_id, opened_at, row_number() over (order by id) as n from gap_claims) g
      cross join (values ('insurer_settlement', 0), ('payoff_letter', 1)) t(type, k)`.execute(db);
    await analyze(db);
    facilityId = (await db.selectFrom('repair_facilities').select('id').executeTakeFirstOrThrow()).id;
    const claim = await db
      .selectFrom('gap_claims')
      .select(['id', 'contract_id'])
      .where('status', '=', 'awaiting_documents')
      .executeTakeFirstOrThrow();
    claimId = claim.id;
    contractId = claim.contract_id;
  });
  afterAll(() => handle.close());

  type Db = DatabaseHandle['db'];
  const catalogService = (db: Db) => createCatalogService({ db });
  const calendar = createBusinessCalendar({ timeZone: 'America/New_York', cutoffMinutes: 17 * 60 });
  const documentsOf = (db: Db) =>
    createDocumentsService({
      db,
      clock,
      timeZone: 'America/New_York',
      store: createFileDocumentStore('/tmp/cw-unused-documents'),
      owners: {},
    });

  it.each<[string, (db: Db) => Promise<unknown>]>([
    [
      'adjuster queue: submitted repair claims, oldest first',
      (db) => listRepairClaims(db, { status: 'submitted' }, { limit: 20 }),
    ],
    ['a facility’s repair claims', (db) => listRepairClaims(db, { facilityId }, { limit: 20 })],
    ['a contract’s repair claims', (db) => listRepairClaims(db, { contractId }, { limit: 20 })],
    [
      'work queue: GAP document reviews and repair decisions by due date',
      (db) =>
        createWorkQueue({
          db,
          sources: [gapDocumentReviewSource(catalogService(db)), repairClaimDecisionSource(calendar, 1)],
        }).list({ limit: 20, today: '2026-11-25', role: 'adjuster' }),
    ],
    [
      'the open GAP claim of a contract',
      (db) =>
        db
          .selectFrom('gap_claims')
          .select('id')
          .where('contract_id', '=', contractId)
          .where('status', 'not in', ['denied', 'paid'])
          .execute(),
    ],
    [
      'a GAP claim’s documents',
      (db) =>
        db
          .selectFrom('documents')
          .selectAll()
          .where('owner_type', '=', 'gap_claim')
          .where('owner_id', '=', claimId)
          .execute(),
    ],
    ['SLA sweep: escalate overdue reviews (one statement)', (db) => documentsOf(db).escalateOverdue()],
  ])('%s', async (_name, run) => {
    const queries = await captureQueries(handle.db, run);
    expect(queries.length).toBeGreaterThan(0);
    // Small lookup tables (catalog versions, facilities) may be scanned; the big ones may not.
    const scans = await sequentialScans(handle.db, queries);
    expect(scans.filter((table) => BIG_TABLES.has(table))).toEqual([]);
  });

  it('the SLA sweep is one SQL statement over every overdue review', async () => {
    const queries = await captureQueries(handle.db, (db) => documentsOf(db).escalateOverdue());
    expect(queries).toHaveLength(1);
    const notEscalated = (awaitingReview: boolean) =>
      handle.db
        .selectFrom('documents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending_review')
        .where(awaitingReview ? AWAITS_REVIEW : sql<boolean>`not ${AWAITS_REVIEW}`)
        .where('escalated_at', 'is', null)
        .where('review_due_on', '<', '2026-11-25')
        .executeTakeFirstOrThrow();
    // Every overdue review is escalated; the waiting documents of claims decided meanwhile (denied or
    // paid: the portfolio has them) are nobody's review and are left as they are.
    expect(Number((await notEscalated(true)).n)).toBe(0);
    expect(Number((await notEscalated(false)).n)).toBeGreaterThan(0);
  });
});
