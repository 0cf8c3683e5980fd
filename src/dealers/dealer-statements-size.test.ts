// A dealer statement of a period with more movements than a statement lists (a 30,000-row dealer file or
// a lender-event run in one day), on both engines, with the service's limit made small (20 lines) so the
// account holds ~50 events instead of 10,001: the JSON statement sums the lines by day and kind with
// their counts and keeps the totals, balances and aging of the line-by-line statement; a period too long
// even by day is 422 statement_period_too_long on `from`; the CSV streams every line, a few at a time,
// from the opening balance to the closing balance, stops when the client goes away and is cut short by
// an error; a bad period or dealer is still a problem before any CSV starts.
import type { Readable } from 'node:stream';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { type KyselyPlugin, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticRows } from '../../bench/portfolio.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { FakeClock } from '../platform/clock.js';
import { ERROR_STATUS } from '../platform/http/errors.js';
import { AppError } from '../shared/errors.js';
import { type AccountEvent, statementOf, summedByDay } from './dealer-statement.js';
import { insertRemittance } from './dealer-statement.repository.js';
import {
  createDealerStatementsService,
  type DealerStatementsService,
  EMBEDDED_CSV_BUFFER_BYTES,
  MAX_STATEMENT_LINES,
  renderStatementPdf,
} from './dealer-statements.service.js';

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;
const clock = new FakeClock('2026-12-10T15:00:00Z');
const PERIOD = { from: '2026-11-01', to: '2026-11-30' };
const LIMIT = 20;
/** Events of the account inside PERIOD (see the account below). */
const IN_PERIOD = 35 + 5 + 5 + 6;

async function textOf(body: Readable): Promise<string> {
  let text = '';
  for await (const chunk of body) text += chunk.toString();
  return text;
}

/** A plugin counting the queries that read a page of a statement's lines (they name contract_number). */
function pageCounter(): { plugin: KyselyPlugin; pages: () => number; failOnPage: (page: number) => void } {
  let pages = 0;
  let failing = Number.POSITIVE_INFINITY;
  return {
    plugin: {
      transformQuery(args) {
        if (JSON.stringify(args.node).includes('"contract_number"')) {
          pages += 1;
          if (pages >= failing) throw new Error(`page ${pages} failed (test)`);
        }
        return args.node;
      },
      transformResult: async (args) => args.result,
    },
    pages: () => pages,
    failOnPage: (page) => {
      failing = page;
    },
  };
}

describeEachEngine('dealer statements of any size', (engine) => {
  let server: TestServer;
  let admin: Client;
  let dealerId: string;
  let limited: DealerStatementsService;
  let unlimited: DealerStatementsService;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    const { db } = server.built.database;
    dealerId = (
      await db
        .insertInto('dealers')
        .values({ code: 'BIG-1', name: 'Big Volume Motors', state: 'MO' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    // 40 contracts: 5 booked before the period (the opening balance), 35 in it over three days, 5 of
    // those voided and 5 charged back; 6 remittances in the period and one booking after it.
    const contracts = [...syntheticRows(41, loadDefaultCatalog(), 1, 880_000)];
    const ids: string[] = [];
    for (const row of contracts)
      ids.push(
        (
          await db
            .insertInto('contracts')
            .values({ ...row, dealer_id: dealerId })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
      );
    const event = (contractId: string, kind: AccountEvent['kind'], amountCents: number, occurredOn: string) =>
      db
        .insertInto('dealer_account_events')
        .values({
          dealer_id: dealerId,
          contract_id: contractId,
          kind,
          amount_cents: amountCents,
          occurred_on: occurredOn,
        })
        .execute();
    const cost = (index: number) => 80_000 + index * 137;
    for (let index = 0; index < 40; index++)
      await event(
        ids[index]!,
        'contract_booked',
        cost(index),
        index < 5 ? '2026-10-20' : `2026-11-0${2 + (index % 3)}`,
      );
    for (let index = 5; index < 10; index++)
      await event(ids[index]!, 'contract_voided', -cost(index), '2026-11-04');
    for (let index = 10; index < 15; index++)
      await event(ids[index]!, 'chargeback', 12_345 + index, '2026-11-03');
    await event(ids[40]!, 'contract_booked', 99_999, '2026-12-01');
    for (let index = 0; index < 6; index++) {
      const receivedOn = index % 2 === 0 ? '2026-11-03' : '2026-11-05';
      const remittance = await insertRemittance(db, {
        dealerId,
        amountCents: 150_000 + index,
        reference: `ACH ${index}`,
        receivedOn,
        status: 'recorded',
        createdBy: 'test',
        requestId: null,
      });
      await db
        .insertInto('dealer_account_events')
        .values({
          dealer_id: dealerId,
          contract_id: null,
          remittance_id: remittance.id,
          kind: 'remittance',
          amount_cents: -(150_000 + index),
          occurred_on: receivedOn,
        })
        .execute();
    }
    const timeZone = 'America/Chicago';
    limited = createDealerStatementsService({
      db,
      clock,
      timeZone,
      maxStatementLines: LIMIT,
      csvPageLines: 7,
    });
    unlimited = createDealerStatementsService({ db, clock, timeZone });
  });
  afterAll(() => server.close());

  it('sums a period of more lines than the limit by day and kind, with the same totals, balances and aging', async () => {
    const days = await limited.statement(dealerId, PERIOD);
    const lines = await unlimited.statement(dealerId, PERIOD);
    expect(lines.detail).toBe('lines');
    expect(lines.lines).toHaveLength(IN_PERIOD);
    expect(lines.lines.every((line) => line.count === 1)).toBe(true);

    expect(days.detail).toBe('days');
    expect(days.lines.length).toBeLessThanOrEqual(LIMIT);
    expect(
      days.lines.map(({ date, kind, amountCents, count }) => ({ date, kind, amountCents, count })),
    ).toEqual(summedByDay(lines.lines));
    expect(days.lines.reduce((sum, line) => sum + line.count, 0)).toBe(IN_PERIOD);
    expect(
      days.lines.every(
        (line) => line.contractId === null && line.contractNumber === null && line.reference === null,
      ),
    ).toBe(true);
    // The 12 bookings of 2 November (contracts 6, 9, … 39) read as one line of 12.
    expect(
      days.lines.find((line) => line.date === '2026-11-02' && line.kind === 'contract_booked')?.count,
    ).toBe(12);
    for (const key of [
      'openingBalanceCents',
      'totals',
      'closingBalanceCents',
      'creditBalance',
      'aging',
    ] as const)
      expect(days[key], key).toEqual(lines[key]);
    expect(days.lines.at(-1)?.runningBalanceCents).toBe(days.closingBalanceCents);

    // And both agree with the pure statement over the account's raw events.
    const events = await sql<{
      date: string;
      kind: AccountEvent['kind'];
      amount: string;
      contract_id: string | null;
    }>`
      select occurred_on as date, kind, amount_cents::text as amount, contract_id
        from dealer_account_events where dealer_id = ${dealerId} order by id`.execute(
      server.built.database.db,
    );
    const reference = statementOf(
      events.rows.map((row) => ({
        date: row.date,
        kind: row.kind,
        amountCents: Number(row.amount),
        contractId: row.contract_id,
      })),
      PERIOD.from,
      PERIOD.to,
    );
    expect(days.openingBalanceCents).toBe(reference.openingBalanceCents);
    expect(days.closingBalanceCents).toBe(reference.closingBalanceCents);
    expect(days.aging).toEqual(reference.aging);

    const pdf = await renderStatementPdf(days);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses a period of more lines than the limit even by day: 422 statement_period_too_long on from', async () => {
    const tiny = createDealerStatementsService({
      db: server.built.database.db,
      clock,
      timeZone: 'America/Chicago',
      maxStatementLines: 5,
    });
    const refusal = await tiny.statement(dealerId, PERIOD).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'statement_period_too_long', param: 'from' });
    expect(ERROR_STATUS.statement_period_too_long).toBe(422);
    // A shorter period of the same account is shown.
    expect((await tiny.statement(dealerId, { from: '2026-11-05', to: '2026-11-30' })).detail).toBe('lines');
  });

  it('writes every line in the CSV, a page at a time, from the opening balance to the closing balance', async () => {
    const full = await unlimited.statement(dealerId, PERIOD);
    const csv = await limited.statementCsv(dealerId, PERIOD);
    const text = await textOf(csv.body);
    await csv.done;
    const rows = text
      .trimEnd()
      .split('\n')
      .map((row) => row.split(','));
    expect(rows[0]).toEqual([
      'date',
      'kind',
      'contract_number',
      'reference',
      'amount_cents',
      'balance_cents',
    ]);
    expect(rows[1]).toEqual([PERIOD.from, 'opening_balance', '', '', '', String(full.openingBalanceCents)]);
    const movements = rows.slice(2, 2 + IN_PERIOD);
    expect(movements).toEqual(
      full.lines.map((line) => [
        line.date,
        line.kind,
        line.contractNumber ?? '',
        line.reference ?? '',
        String(line.amountCents),
        String(line.runningBalanceCents),
      ]),
    );
    let running = full.openingBalanceCents;
    for (const row of movements) {
      running += Number(row[4]);
      expect(Number(row[5])).toBe(running);
    }
    expect(rows[2 + IN_PERIOD]).toEqual([
      PERIOD.to,
      'closing_balance',
      '',
      '',
      '',
      String(full.closingBalanceCents),
    ]);
    expect(running).toBe(full.closingBalanceCents);
    expect(rows.slice(3 + IN_PERIOD).map((row) => Number(row[4]))).toEqual([
      full.aging.currentCents,
      full.aging.days30Cents,
      full.aging.days60Cents,
      full.aging.days90PlusCents,
    ]);

    // Over HTTP (the app's own limit and page size) the same file, with no line limit.
    const response = await admin({
      url: `/api/v1/dealers/${dealerId}/statement.csv?from=${PERIOD.from}&to=${PERIOD.to}`,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toContain('statement-BIG-1-2026-11-01-2026-11-30.csv');
    expect(response.body).toBe(text);
  });

  it('answers over HTTP the CSV of a day of more movements than a statement lists, every line of it', async () => {
    const { db } = server.built.database;
    const busy = await db
      .insertInto('dealers')
      .values({ code: 'BIG-2', name: 'Busy Day Motors', state: 'MO' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const count = MAX_STATEMENT_LINES + 1;
    await sql`
      with received as (
        insert into dealer_remittances (dealer_id, amount_cents, reference, received_on, status, created_by)
        select ${busy.id}, 100 + n, 'ACH ' || n, date '2026-11-20', 'recorded', 'test'
          from generate_series(1, ${count}) as n
        returning id, dealer_id, amount_cents, received_on)
      insert into dealer_account_events (dealer_id, contract_id, remittance_id, kind, amount_cents, occurred_on)
      select dealer_id, null, id, 'remittance', -amount_cents, received_on from received`.execute(db);
    const response = await admin({
      url: `/api/v1/dealers/${busy.id}/statement.csv?from=2026-11-20&to=2026-11-20`,
    });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    const rows = response.body.trimEnd().split('\n');
    const movements = rows.filter((row) => row.startsWith('2026-11-20,remittance,'));
    expect(movements).toHaveLength(count);
    // 100 + n cents for n = 1 … count, remitted: the balance ends at minus their sum.
    const closing = -(100 * count + (count * (count + 1)) / 2);
    expect(movements.at(-1)).toMatch(new RegExp(`,${closing}$`));
    expect(rows).toContain(`2026-11-20,closing_balance,,,,${closing}`);
    // The JSON statement of that day sums them: one line of them all.
    const json = (
      await admin({ url: `/api/v1/dealers/${busy.id}/statement?from=2026-11-20&to=2026-11-20` })
    ).json();
    expect(json.detail).toBe('days');
    expect(json.lines).toMatchObject([{ kind: 'remittance', count, amountCents: closing }]);
    expect(json.closingBalanceCents).toBe(closing);
  });

  it('stops reading when the client goes away while the CSV waits for it to read', async () => {
    const counter = pageCounter();
    const slow = createDealerStatementsService({
      db: server.built.database.db.withPlugin(counter.plugin),
      clock,
      timeZone: 'America/Chicago',
      csvPageLines: 3,
      csvBufferBytes: 16,
    });
    const csv = await slow.statementCsv(dealerId, PERIOD);
    // The header fills the small buffer: the reading waits for a client that does not read, then goes.
    await new Promise((resolve) => csv.body.once('readable', resolve));
    csv.body.destroy();
    await csv.done;
    expect(counter.pages()).toBe(0);
    // The transaction is over: the database answers (on PGlite, its one connection is free again).
    expect((await unlimited.statement(dealerId, PERIOD)).lines).toHaveLength(IN_PERIOD);
  });

  it('on the embedded database, ends the transaction before a client that does not read has read anything', async () => {
    // The app's setting on PGlite (app.ts): its one connection must not wait for a slow client.
    const embedded = createDealerStatementsService({
      db: server.built.database.db,
      clock,
      timeZone: 'America/Chicago',
      csvPageLines: 3,
      csvBufferBytes: EMBEDDED_CSV_BUFFER_BYTES,
    });
    const csv = await embedded.statementCsv(dealerId, PERIOD);
    // Nobody reads yet: the reading still finishes (with a bounded buffer this waits for the client).
    await csv.done;
    expect((await unlimited.statement(dealerId, PERIOD)).lines).toHaveLength(IN_PERIOD);
    const text = (await csv.body.toArray()).map(String).join('');
    const reference = (await unlimited.statementCsv(dealerId, PERIOD)).body;
    expect(text).toBe((await reference.toArray()).map(String).join(''));
    expect(text).toContain('closing_balance');
  });

  it('cuts the CSV short when a page fails, and frees the transaction', async () => {
    const counter = pageCounter();
    counter.failOnPage(3);
    const failing = createDealerStatementsService({
      db: server.built.database.db.withPlugin(counter.plugin),
      clock,
      timeZone: 'America/Chicago',
      csvPageLines: 5,
    });
    const csv = await failing.statementCsv(dealerId, PERIOD);
    let text = '';
    const failure = await new Promise<Error>((resolve) => {
      csv.body.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      csv.body.on('error', resolve);
    });
    await csv.done;
    expect(failure.message).toBe('page 3 failed (test)');
    expect(text.split('\n').filter((row) => row.includes(',opening_balance,'))).toHaveLength(1);
    expect(text).not.toContain('closing_balance');
    expect((await unlimited.statement(dealerId, PERIOD)).closingBalanceCents).toBeTypeOf('number');
  });

  it('answers a bad period or dealer as a problem before any CSV, JSON or PDF starts', async () => {
    const cases: [string, number, string, string | undefined][] = [
      [
        `/api/v1/dealers/${dealerId}/statement.csv?from=2026-02-30&to=2026-03-31`,
        422,
        'invalid_date',
        'from',
      ],
      [
        `/api/v1/dealers/${dealerId}/statement.csv?from=2026-12-01&to=2026-11-01`,
        400,
        'validation_failed',
        'from',
      ],
      [`/api/v1/dealers/${dealerId}/statement.csv?from=2026-11-01&to=2026-11-31`, 422, 'invalid_date', 'to'],
      ['/api/v1/dealers/00000000-0000-4000-8000-000000000099/statement.csv', 404, 'not_found', undefined],
      [`/api/v1/dealers/${dealerId}/statement?from=2026-02-30`, 422, 'invalid_date', 'from'],
      [`/api/v1/dealers/${dealerId}/statement.pdf?from=2026-02-30`, 422, 'invalid_date', 'from'],
    ];
    for (const [url, status, code, param] of cases) {
      const response = await admin({ url });
      expect(response.statusCode, url).toBe(status);
      expect(response.headers['content-type'], url).toContain('application/problem+json');
      expect(response.json(), url).toMatchObject({ code, ...(param ? { param } : {}) });
    }
  });

  it('says over HTTP whether the lines are movements, each with its count', async () => {
    const response = await admin({
      url: `/api/v1/dealers/${dealerId}/statement?from=${PERIOD.from}&to=${PERIOD.to}`,
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.detail).toBe('lines');
    expect(body.lines).toHaveLength(IN_PERIOD);
    expect(body.lines.every((line: { count: number }) => line.count === 1)).toBe(true);
  });
});
