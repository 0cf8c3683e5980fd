// The batch path against one event at a time, on both engines: the same random lender events (payoffs,
// repossessions, total losses; several add-ons on one vehicle, vehicles cancelled by an earlier run or an
// earlier row, unknown VINs, bad rows, the same event twice) are applied to two portfolios built alike,
// one a row per batch and a batch at a time, the other in batches of several rows with two batches under
// way at once (as a PostgreSQL server runs them; a vehicle's events then often fall in two batches at
// once). Every row's outcome, every refund, payee and deadline, and every subledger row written
// (cancellations, ledger refunds, chargebacks, audit rows, lender-event refunds) must be the same, and so
// must the general ledger's totals per account, plan, state and dealer (each batch posts one summary
// entry, so the entries differ in number, never in totals); the books balance. Also: a run analyzes only
// the tables whose statistics are stale for its size.
import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { lenderGapBody, lenderVscBody } from '../../test/support/lender-portfolio.js';
import { waitFor } from '../../test/support/process.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { trialBalance } from '../accounting/journal.repository.js';
import { createCancellationsService } from '../cancellations/cancellations.service.js';
import { createCatalogService } from '../catalog/catalog.service.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';
import type { Principal } from '../shared/principal.js';
import { analyzeGrowingTables } from './lender-events.repository.js';
import { createLenderEventsService, type LenderEventResult } from './lender-events.service.js';

// Business "today" is 2026-11-25 in America/New_York.
const clock = new FakeClock('2026-11-25T15:00:00Z');
type Client = Awaited<ReturnType<typeof staffClient>>;

let serial = 0;
const nextVin = () => withCheckDigit(`1FTFW1E50NF${String(850_000 + ++serial).padStart(6, '0')}`);

const dayBefore = (daysAgo: number) => new Date(Date.UTC(2026, 10, 25 - daysAgo)).toISOString().slice(0, 10);

describeEachEngine('lender events: batches against one event at a time', (engine) => {
  let server: TestServer;
  let admin: Client;
  let principal: Principal;
  let service: ReturnType<typeof createLenderEventsService>;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    const db = server.built.database.db;
    const user = await db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('email', '=', 'admin@coverwise.test')
      .executeTakeFirstOrThrow();
    principal = {
      kind: 'user',
      sessionId: 'test',
      userId: user.id,
      email: user.email,
      role: 'admin',
      displayName: 'Admin',
    };
    // Runs stay queued when received (inlineMaxRows 0): the test applies each with the batch size it wants.
    service = createLenderEventsService({
      db,
      clock,
      timeZone: 'America/New_York',
      inlineMaxRows: 0,
      cancellations: createCancellationsService({
        db,
        clock,
        catalog: createCatalogService({ db }),
        timeZone: 'America/New_York',
      }),
    });
  });
  afterAll(() => server.close());

  async function createContract(body: Record<string, unknown>): Promise<string> {
    const response = await admin({ method: 'POST', url: '/api/v1/contracts', payload: body });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id as string;
  }

  /**
   * Receives `events` as a JSON run and applies it in batches of `batchSize` rows, one batch at a time
   * when it is 1 and otherwise with two batches under way at once (as on a PostgreSQL server); answers its
   * report (and adds the run's id to `runs`).
   */
  async function apply(
    events: Record<string, unknown>[],
    batchSize: number,
    runs: string[] = [],
  ): Promise<LenderEventResult[]> {
    const received = await service.receiveJson(events, {
      principal,
      actor: { kind: 'user', id: principal.kind === 'user' ? principal.userId : null, label: 'admin' },
      fileName: null,
      requestId: null,
      idempotency: null,
    });
    expect(received.queued).toBe(true);
    const run = await service.applyRun(received.run.runId, {
      batchSize,
      concurrentBatches: batchSize === 1 ? 1 : 2,
    });
    expect(run.status).toBe('finished');
    runs.push(received.run.runId);
    const page = await service.results(principal, received.run.runId, { afterLine: 0, limit: 1000 });
    return page.data;
  }

  /** What a contract's cancellation wrote, in words that do not depend on ids. */
  async function writtenFor(contractIds: string[]) {
    const db = server.built.database.db;
    if (contractIds.length === 0) return [];
    const rows = await sql<Record<string, unknown>>`
      select c.id,
        (select json_build_object('refund', x.refund_cents, 'gross', x.gross_refund_cents, 'fee', x.fee_cents,
                'method', x.method, 'payee', x.payee_name, 'payeeKind', x.payee_kind, 'on', x.cancel_on::text,
                'odometer', x.odometer, 'reason', x.reason, 'ledger', x.ledger_entry_id is not null)
           from cancellations x where x.contract_id = c.id) as cancellation,
        (select json_agg(json_build_object('kind', l.kind, 'direction', l.direction, 'amount', l.amount_cents,
                'payee', l.payee_name) order by l.kind, l.amount_cents)
           from ledger_entries l where l.contract_id = c.id) as ledger,
        (select json_agg(json_build_object('type', e.event_type, 'on', e.effective_on::text, 'lines',
                (select json_agg(json_build_object('account', jl.account_code, 'debit', jl.debit_cents,
                        'credit', jl.credit_cents) order by jl.line_number)
                   from journal_lines jl where jl.entry_id = e.id)) order by e.event_type, e.entry_number)
           from journal_entries e where e.contract_id = c.id and e.event_type <> 'contract_written') as journal,
        (select json_agg(json_build_object('kind', d.kind, 'amount', d.amount_cents) order by d.kind)
           from dealer_account_events d where d.contract_id = c.id and d.kind = 'chargeback') as chargebacks,
        (select json_agg(json_build_object('action', a.action, 'refund', a.data->'refundCents',
                'method', a.data->'method', 'rules', a.data->'ruleIds') order by a.id)
           from audit_events a where a.entity_type = 'contract' and a.entity_id = c.id::text
            and a.action = 'contract.cancelled') as audit,
        (select json_build_object('refund', r.refund_cents, 'due', r.refund_due_on::text, 'payee', r.payee_name,
                'event', e.event, 'on', e.event_date::text)
           from cancellations r join lender_events e on e.id = r.lender_event_id
          where r.contract_id = c.id) as lender_refund,
        c.status
      from contracts c where c.id in (${sql.join(contractIds)})`.execute(db);
    const byId = new Map(rows.rows.map((row) => [row.id as string, row]));
    return contractIds.map((id) => {
      const { id: _id, ...rest } = byId.get(id)!;
      return rest;
    });
  }

  /**
   * What the runs posted to the general ledger: their summary entries' lines summed by account, plan,
   * state and dealer (the totals the trial balance, month-end report, premium earning and dealer accounts
   * read), and how many entries. Each entry names its run and balances (the database refuses it otherwise).
   */
  async function postedBy(runIds: string[]) {
    const db = server.built.database.db;
    if (runIds.length === 0) return { totals: [], entries: 0 };
    const totals = await sql<Record<string, unknown>>`
      select l.account_code as account, l.plan_code as plan, l.state, l.dealer_code as dealer,
             sum(l.debit_cents - l.credit_cents)::bigint::text as net
        from journal_entries e join journal_lines l on l.entry_id = e.id
       where e.event_type = 'lender_event_batch' and e.event_id in (${sql.join(runIds)})
       group by 1, 2, 3, 4
      having sum(l.debit_cents - l.credit_cents) <> 0
       order by 1, 2, 3, 4`.execute(db);
    const entries = await sql<{ n: number; with_contract: number }>`
      select count(*)::int as n,
             count(*) filter (where e.contract_id is not null or exists (
               select 1 from journal_lines l where l.entry_id = e.id and l.contract_id is not null))::int as with_contract
        from journal_entries e
       where e.event_type = 'lender_event_batch' and e.event_id in (${sql.join(runIds)})`.execute(db);
    // A summary names no contract: the per-contract detail is in the subledger rows compared above.
    expect(entries.rows[0]!.with_contract).toBe(0);
    return { totals: totals.rows, entries: entries.rows[0]!.n };
  }

  /** A row's outcome without its ids and VIN. */
  const shape = (result: LenderEventResult) => ({
    line: result.line,
    event: result.event,
    eventDate: result.eventDate,
    status: result.status,
    code: result.code,
    param: result.param,
    cancellations: result.cancellations.map((c) => ({
      product: c.product,
      outcome: c.outcome,
      refundCents: c.refundCents,
      payee: c.payee,
      refundDueOn: c.refundDueOn,
      cancelled: c.cancellationId !== null,
    })),
  });

  const vehicleArb = fc.record({
    vscs: fc.integer({ min: 0, max: 2 }),
    gap: fc.boolean(),
    priceCents: fc.integer({ min: 10_000, max: 900_000 }),
    /** Paid off by an earlier run (its add-ons are already cancelled). */
    cancelledBefore: fc.boolean(),
  });
  const eventArb = fc.record({
    /** A vehicle of the portfolio; past its end, a VIN no contract has. */
    vehicle: fc.nat({ max: 7 }),
    event: fc.constantFrom('payoff', 'repossession', 'total_loss'),
    daysAgo: fc.integer({ min: 0, max: 330 }),
    odometer: fc.option(fc.integer({ min: 25_000, max: 70_000 }), { nil: undefined }),
    twice: fc.boolean(),
    bad: fc.boolean(),
  });

  it('every outcome and every row written is the same in batches as one event at a time; the books balance', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(vehicleArb, { minLength: 1, maxLength: 5 }),
        fc.array(eventArb, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 2, max: 6 }),
        async (vehicles, events, batchSize) => {
          // Two portfolios alike: same contracts on different VINs.
          const sides: { vins: string[]; contracts: string[]; unknown: string }[] = [];
          for (const _side of [0, 1]) {
            sides.push(
              await (async () => {
                const vins: string[] = [];
                const contracts: string[] = [];
                for (const vehicle of vehicles) {
                  const vin = nextVin();
                  vins.push(vin);
                  for (let i = 0; i < vehicle.vscs; i++)
                    contracts.push(
                      await createContract(
                        lenderVscBody(vin, { priceCents: vehicle.priceCents + i * 1_000 }),
                      ),
                    );
                  if (vehicle.gap) contracts.push(await createContract(lenderGapBody(vin)));
                }
                return { vins, contracts, unknown: nextVin() };
              })(),
            );
          }
          const earlier = (side: (typeof sides)[number]) =>
            vehicles.flatMap((vehicle, index) =>
              vehicle.cancelledBefore
                ? [{ vin: side.vins[index], event: 'payoff', eventDate: dayBefore(300) }]
                : [],
            );
          const file = (side: (typeof sides)[number]) =>
            events.flatMap((e) => {
              const event = {
                vin: e.bad ? 'NOTAVIN' : e.vehicle < vehicles.length ? side.vins[e.vehicle] : side.unknown,
                event: e.event,
                eventDate: dayBefore(e.daysAgo),
                ...(e.odometer === undefined ? {} : { odometer: e.odometer }),
              };
              return e.twice ? [event, event] : [event];
            });
          const [one, many] = sides as [(typeof sides)[0], (typeof sides)[0]];
          const runsOfOne: string[] = [];
          const runsOfMany: string[] = [];
          if (earlier(one).length > 0) {
            await apply(earlier(one), 1, runsOfOne);
            await apply(earlier(many), batchSize, runsOfMany);
          }
          const oneAtATime = await apply(file(one), 1, runsOfOne);
          const inBatches = await apply(file(many), batchSize, runsOfMany);
          expect(inBatches.map(shape)).toEqual(oneAtATime.map(shape));
          for (const row of inBatches) seen.add(row.code ?? row.status);
          expect(await writtenFor(many.contracts)).toEqual(await writtenFor(one.contracts));
          // The books: the same totals per account, plan, state and dealer, however the rows were batched
          // (a batch posts one summary entry, so fewer entries in batches; never more than one a batch).
          const [postedOne, postedMany] = [await postedBy(runsOfOne), await postedBy(runsOfMany)];
          expect(postedMany.totals).toEqual(postedOne.totals);
          expect(postedMany.entries).toBeLessThanOrEqual(postedOne.entries);
        },
      ),
      { seed: 1616_2027, numRuns: 6 },
    );
    // The runs went through each kind of row: cancelled, skipped as already cancelled or a duplicate, refused.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'already_cancelled',
        'cancelled',
        'duplicate_event',
        'invalid_vin',
        'vehicle_not_found',
      ]),
    );
    const accounts = await trialBalance(server.built.database.db, '2026-12-31');
    const debit = accounts.reduce((sum, a) => sum + a.debitCents, 0);
    const credit = accounts.reduce((sum, a) => sum + a.creditCents, 0);
    expect(debit).toBe(credit);
  }, 240_000);

  // Two batches under way at once (PostgreSQL server only; the embedded database has one connection).
  // Batch 1 holds a payoff of vehicle W and one of V, batch 2 a repossession of V. W's contract is held
  // locked from outside, so batch 1 waits at its first lock (a batch locks in contract-id order; W's sorts
  // first). Batch 2 must not lock V meanwhile: V is still free while batch 1 waits. Once W is released,
  // V is cancelled by its payoff (line 2) and the repossession (line 3) finds it cancelled, as one batch
  // at a time would have it. Were batch 2 to lock V first, it would cancel V by the repossession and then
  // wait for batch 1, which waits for V: the run would never end.
  it.runIf(engine.name === 'postgres')(
    'two batches under way keep file order: a batch locks only after the one before has locked',
    async () => {
      const [first, second] = [nextVin(), nextVin()];
      const ids = [await createContract(lenderVscBody(first)), await createContract(lenderVscBody(second))];
      const [w, v] =
        ids[0]! < ids[1]!
          ? [
              { vin: first, id: ids[0]! },
              { vin: second, id: ids[1]! },
            ]
          : [
              { vin: second, id: ids[1]! },
              { vin: first, id: ids[0]! },
            ];
      const received = await service.receiveJson(
        [
          { vin: w.vin, event: 'payoff', eventDate: dayBefore(20) },
          { vin: v.vin, event: 'payoff', eventDate: dayBefore(20) },
          { vin: v.vin, event: 'repossession', eventDate: dayBefore(10) },
        ],
        {
          principal,
          actor: { kind: 'user', id: null, label: 'admin' },
          fileName: null,
          requestId: null,
          idempotency: null,
        },
      );
      const blocker = new pg.Client({ connectionString: server.databaseUrl! });
      await blocker.connect();
      try {
        await blocker.query('begin');
        await blocker.query('select id from contracts where id = $1 for update', [w.id]);
        const applying = service.applyRun(received.run.runId, { batchSize: 2, concurrentBatches: 2 });
        applying.catch(() => {});
        // pg_stat_activity is read afresh each time (inside a transaction it is one snapshot otherwise).
        await waitFor('batch 1 waiting for W', async () => {
          await blocker.query('select pg_stat_clear_snapshot()');
          const waiting = await blocker.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`,
          );
          return waiting.rows[0]!.n > 0;
        });
        // Batch 2 has begun its transaction by now, and waits for batch 1 before locking anything.
        await waitFor('batch 2 under way', async () => {
          await blocker.query('select pg_stat_clear_snapshot()');
          const open = await blocker.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity
              where datname = current_database() and state = 'idle in transaction' and pid <> pg_backend_pid()`,
          );
          return open.rows[0]!.n > 0;
        });
        const free = await blocker.query('select id from contracts where id = $1 for update nowait', [v.id]);
        expect(free.rowCount).toBe(1);
        await blocker.query('rollback');
        const run = await applying;
        expect(run).toMatchObject({ status: 'finished', cancelled: 2, skipped: 1, rejected: 0 });
      } finally {
        await blocker.end();
      }
      const report = await service.results(principal, received.run.runId, { afterLine: 0, limit: 10 });
      expect(report.data.map((row) => [row.line, row.vin, row.status, row.code])).toEqual([
        [1, w.vin, 'cancelled', null],
        [2, v.vin, 'cancelled', null],
        [3, v.vin, 'skipped', 'already_cancelled'],
      ]);
      const reasons = await sql<{ id: string; reason: string }>`
        select contract_id as id, reason from cancellations where contract_id in (${w.id}, ${v.id})
        order by contract_id`.execute(server.built.database.db);
      expect(reasons.rows).toEqual([
        { id: w.id, reason: 'payoff' },
        { id: v.id, reason: 'payoff' },
      ]);
    },
    60_000,
  );

  it('a run analyzes only the tables whose statistics count fewer rows than it adds', async () => {
    const db = server.built.database.db;
    await sql`analyze journal_entries, journal_lines, cancellations, ledger_entries, lender_events,
      lender_event_rows, contracts`.execute(db);
    // Every table's statistics now count its rows: a run adding none finds none stale.
    expect(await analyzeGrowingTables(db, 0)).toEqual([]);
    // A run larger than every table refreshes them all.
    expect(await analyzeGrowingTables(db, 1_000_000_000)).toEqual(
      [
        'cancellations',
        'contracts',
        'journal_entries',
        'journal_lines',
        'ledger_entries',
        'lender_event_rows',
        'lender_events',
      ].sort(),
    );
  });
});
