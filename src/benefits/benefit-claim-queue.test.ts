// Rental and trip-interruption claims in the staff work queue, on a real database (both engines): each
// is due by the review SLA of its contract's catalog version (business days after the day it was filed),
// and the queue orders them with repair claims by due date, then arrival, across pages.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { STAFF_HOLDER, staffVscBody } from '../../test/support/staff-contracts.js';
import { withCheckDigit } from '../contracts/vin.js';
import { FakeClock } from '../platform/clock.js';

type Client = Awaited<ReturnType<typeof staffClient>>;
interface QueueItem {
  kind: string;
  id: string;
  dueOn: string;
  overdue: boolean;
  receivedAt: string;
  title: string;
  href: string;
}

let serial = 700;

describeEachEngine('benefit claims in the work queue', (engine) => {
  // Monday 2026-11-23, 10:00 in New York; Thursday the 26th is Thanksgiving.
  const clock = new FakeClock('2026-11-23T15:00:00Z');
  let server: TestServer;
  let admin: Client;
  let adjuster: Client;
  let reviewer: Client;
  let shop: Client;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    reviewer = await staffClient(server, 'reviewer@coverwise.test');
    shop = await staffClient(server, 'shop@coverwise.test');
  });
  afterAll(() => server.close());

  async function contract() {
    serial += 1;
    const vin = withCheckDigit(`1HGCM82603A${String(serial).padStart(6, '0')}`);
    const created = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: staffVscBody(vin, {
        holder: {
          ...STAFF_HOLDER,
          firstName: 'Iris',
          lastName: `Queue${serial}`,
          address: { ...STAFF_HOLDER.address, line1: '1 Elm St' },
        },
        vehicle: { vin, year: 2024, make: 'Honda', model: 'Civic' },
        sellingDealer: undefined, // sold with no dealer named
      }),
    });
    expect(created.statusCode, created.body).toBe(201);
    return { id: created.json().id as string, vin };
  }

  async function repairClaim(vin: string, authorize: boolean) {
    const submitted = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: {
        vin,
        odometer: 20_000,
        complaint: 'No start',
        cause: 'Failed starter',
        correction: 'Replace it',
        lines: [{ componentGroup: 'engine', description: 'Starter', partsCents: 10_000, laborHours: 2.5 }],
      },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const claim = submitted.json();
    if (authorize) {
      const decided = await adjuster({
        method: 'POST',
        url: `/api/v1/repair-claims/${claim.id}/authorization`,
        payload: { lines: [{ id: claim.lines[0].id, approved: true }] },
      });
      expect(decided.statusCode, decided.body).toBe(200);
    }
    return claim.id as string;
  }

  async function rental(contractId: string, vin: string) {
    const repairClaimId = await repairClaim(vin, true);
    const filed = await adjuster({
      method: 'POST',
      url: `/api/v1/contracts/${contractId}/rental-claims`,
      payload: { repairClaimId, expenses: [{ date: '2026-11-20', kind: 'rental', amountCents: 3_000 }] },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    return filed.json() as { id: string; reviewDueOn: string };
  }

  /** A trip interruption claim for a breakdown on `breakdownOn` (one claim per breakdown). */
  async function trip(contractId: string, breakdownOn = '2026-11-20') {
    const filed = await adjuster({
      method: 'POST',
      url: `/api/v1/contracts/${contractId}/trip-interruption-claims`,
      payload: {
        breakdownOn,
        milesFromHome: 250,
        expenses: [{ date: breakdownOn, category: 'lodging', amountCents: 9_000 }],
      },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    return filed.json() as { id: string; reviewDueOn: string };
  }

  async function wholeQueue(client: Client, limit: number, query = ''): Promise<QueueItem[]> {
    const items: QueueItem[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 500; page++) {
      const answer = await client({
        url: `/api/v1/work-queue?limit=${limit}${query}${cursor ? `&startingAfter=${cursor}` : ''}`,
      });
      expect(answer.statusCode, answer.body).toBe(200);
      items.push(...answer.json().data);
      cursor = answer.json().nextCursor;
      if (!cursor) break;
    }
    return items;
  }

  it('dates each claim by its catalog version’s SLA and orders the queue by due date, then arrival', async () => {
    // Catalog version 1 (the default): rental and trip interruption reviewed within 2 business days.
    const first = await contract();
    const rentalA = await rental(first.id, first.vin);
    const tripA = await trip(first.id);
    const repairWaiting = await repairClaim(first.vin, false);
    expect(rentalA.reviewDueOn).toBe('2026-11-25');
    expect(tripA.reviewDueOn).toBe('2026-11-25');

    // A new catalog version: trip interruption reviewed the same business day, rental within 5.
    const current = (await admin({ url: '/api/v1/catalog' })).json();
    const document = structuredClone(current.document);
    const plan = document.plans.find((candidate: { code: string }) => candidate.code === 'VALUE_GUARD');
    plan.benefits.tripInterruption.reviewBusinessDays = 0;
    plan.benefits.rental.reviewBusinessDays = 5;
    const published = await admin({
      method: 'POST',
      url: '/api/v1/catalog/versions',
      payload: { document, note: 'Faster trip-interruption reviews' },
    });
    expect(published.statusCode, published.body).toBeLessThan(300);
    const second = await contract();
    clock.advance(60_000);
    const tripB = await trip(second.id);
    const rentalB = await rental(second.id, second.vin);
    expect(tripB.reviewDueOn).toBe('2026-11-23');
    // Five business days after Monday, Thanksgiving not counted: Tuesday 1 December.
    expect(rentalB.reviewDueOn).toBe('2026-12-01');
    // The first contract keeps its own version's SLA.
    const tripA2 = await trip(first.id, '2026-11-21');
    expect(tripA2.reviewDueOn).toBe('2026-11-25');

    const ours = new Set([rentalA.id, tripA.id, repairWaiting, tripB.id, rentalB.id, tripA2.id]);
    const pick = (items: QueueItem[]) => items.filter((item) => ours.has(item.id));
    const whole = await wholeQueue(adjuster, 100);
    expect(pick(whole).map((item) => [item.kind, item.id, item.dueOn])).toEqual([
      ['trip_interruption_claim', tripB.id, '2026-11-23'],
      ['repair_claim_decision', repairWaiting, '2026-11-24'],
      // Same due day and the same instant: the kind breaks the tie (rental before trip).
      ['rental_claim', rentalA.id, '2026-11-25'],
      ['trip_interruption_claim', tripA.id, '2026-11-25'],
      ['trip_interruption_claim', tripA2.id, '2026-11-25'],
      ['rental_claim', rentalB.id, '2026-12-01'],
    ]);
    // The whole queue is in (due, arrival, kind, id) order, and paging by two gives the same list.
    const keys = whole.map((item) => `${item.dueOn}|${item.receivedAt}|${item.kind}|${item.id}`);
    expect(keys).toEqual([...keys].sort());
    expect((await wholeQueue(adjuster, 2)).map((item) => item.id)).toEqual(whole.map((item) => item.id));
    const rentalItem = whole.find((item) => item.id === rentalA.id)!;
    expect(rentalItem).toMatchObject({ href: `/staff/rental-claims/${rentalA.id}`, overdue: false });
    // The reference the holder reads on their page names the claim in the queue too.
    expect(rentalItem.title).toMatch(/^Rental claim on contract \S+ \(RR-[0-9A-F]{8}\)$/);
    expect(rentalItem.title).toContain(`RR-${rentalA.id.replaceAll('-', '').slice(0, 8).toUpperCase()}`);

    // The kind filter, and a reviewer (who cannot open benefit claims) never sees them.
    expect(
      pick(await wholeQueue(adjuster, 100, '&kind=trip_interruption_claim')).map((item) => item.id),
    ).toEqual([tripB.id, tripA.id, tripA2.id]);
    expect(pick(await wholeQueue(reviewer, 100))).toEqual([]);

    // The claim pages say when the review is due.
    const page = await adjuster({ url: `/api/v1/rental-claims/${rentalB.id}` });
    expect(page.json().reviewDueOn).toBe('2026-12-01');
  });

  it('puts benefit claims in the staff home’s due-today and overdue sections', async () => {
    // Filed under the catalog version of the test above: trip interruption is due the same business day.
    const filed = await contract();
    const claim = await trip(filed.id);
    expect(claim.reviewDueOn).toBe('2026-11-23');
    await adjuster({ method: 'POST', url: `/api/v1/work-items/trip_interruption_claim/${claim.id}/take` });
    // Monday, the due day: due today, not overdue; taken by the adjuster, so also "assigned to me".
    const home = (await adjuster({ url: '/api/v1/my-work' })).json();
    expect(home.counts.dueToday).toBeGreaterThanOrEqual(1);
    const mine = home.assignedToMe.filter((item: { id: string }) => item.id === claim.id);
    expect(mine).toEqual([
      expect.objectContaining({ kind: 'trip_interruption_claim', dueOn: '2026-11-23', overdue: false }),
    ]);
    const dueToday: { id: string; dueOn: string }[] = home.dueToday;
    expect(dueToday.every((item) => item.dueOn === '2026-11-23')).toBe(true);
    if (dueToday.length < 10) expect(dueToday.map((item) => item.id)).toContain(claim.id);
    // Tuesday: overdue.
    clock.set('2026-11-24T15:00:00Z');
    try {
      const later = await staffClient(server, 'adjuster@coverwise.test');
      const next = (await later({ url: '/api/v1/my-work' })).json();
      const overdue: { id: string; dueOn: string; overdue: boolean }[] = next.overdue;
      expect(next.counts.overdue).toBeGreaterThanOrEqual(1);
      expect(overdue.every((item) => item.overdue && item.dueOn < '2026-11-24')).toBe(true);
      expect(next.assignedToMe).toContainEqual(
        expect.objectContaining({ id: claim.id, overdue: true, dueOn: '2026-11-23' }),
      );
      if (overdue.length < 10) expect(overdue.map((item) => item.id)).toContain(claim.id);
    } finally {
      clock.set('2026-11-23T15:00:00Z');
    }
  });
});
