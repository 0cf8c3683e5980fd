// Staff work on a real database (both engines): taking, assigning and releasing queued work (one
// winner when two people take the same item at once), the owner on the work queue, and the staff home.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { brakesEstimate, staffVscBody, vinSequence } from '../../test/support/staff-contracts.js';
import { DEMO_HOLDERS } from '../demo/demo-contracts.js';
import { FakeClock } from '../platform/clock.js';
import { SECTION_ITEMS } from './my-work.service.js';

type Client = Awaited<ReturnType<typeof staffClient>>;

const nextVin = vinSequence(500);

describeEachEngine('staff work: assignment, work queue owners, my work', (engine) => {
  // A Monday morning in New York; claims filed now are due by the end of Tuesday.
  const clock = new FakeClock('2026-11-23T15:00:00Z');
  let server: TestServer;
  let admin: Client;
  let adjuster: Client;
  let second: Client;
  let reviewer: Client;
  let shop: Client;
  let adjusterId: string;
  let secondId: string;
  let reviewerId: string;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = await staffClient(server, 'admin@coverwise.test');
    adjuster = await staffClient(server, 'adjuster@coverwise.test');
    reviewer = await staffClient(server, 'reviewer@coverwise.test');
    shop = await staffClient(server, 'shop@coverwise.test');
    const created = await admin({
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'second.adjuster@coverwise.test',
        password: 'a-long-enough-password',
        role: 'adjuster',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    secondId = created.json().id;
    second = await staffClient(server, 'second.adjuster@coverwise.test', 'a-long-enough-password');
    adjusterId = (await adjuster({ url: '/api/v1/auth/me' })).json().user.id;
    reviewerId = (await reviewer({ url: '/api/v1/auth/me' })).json().user.id;
  });
  afterAll(() => server.close());

  async function repairClaim(): Promise<{ id: string; claimNumber: string }> {
    const vin = nextVin();
    const contract = await admin({ method: 'POST', url: '/api/v1/contracts', payload: staffVscBody(vin) });
    expect(contract.statusCode, contract.body).toBe(201);
    const claim = await shop({ method: 'POST', url: '/api/v1/repair-claims', payload: brakesEstimate(vin) });
    expect(claim.statusCode, claim.body).toBe(201);
    return claim.json();
  }

  const take = (client: Client, kind: string, id: string, key?: string) =>
    client({
      method: 'POST',
      url: `/api/v1/work-items/${kind}/${id}/take`,
      headers: key ? { 'idempotency-key': key } : {},
    });

  async function auditActions(entityId: string): Promise<string[]> {
    const rows = await server.built.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', entityId)
      .where('action', 'like', 'work_item.%')
      .orderBy('id')
      .execute();
    return rows.map((row) => row.action);
  }

  async function queueItem(client: Client, id: string, query = '') {
    const items = [];
    let cursor: string | null = null;
    do {
      const page = await client({
        url: `/api/v1/work-queue?limit=100${query}${cursor ? `&startingAfter=${cursor}` : ''}`,
      });
      expect(page.statusCode, page.body).toBe(200);
      items.push(...page.json().data);
      cursor = page.json().nextCursor;
    } while (cursor);
    return items.find((item: { id: string }) => item.id === id);
  }

  it('takes a claim: the queue shows the owner, taking it again changes nothing, one audit row', async () => {
    const claim = await repairClaim();
    expect((await queueItem(adjuster, claim.id)).assignee).toBeNull();
    const taken = await take(adjuster, 'repair_claim_decision', claim.id);
    expect(taken.statusCode, taken.body).toBe(200);
    expect(taken.json()).toMatchObject({
      kind: 'repair_claim_decision',
      id: claim.id,
      assignee: { id: adjusterId, email: 'adjuster@coverwise.test' },
      assignedAt: clock.now().toISOString(),
    });
    const again = await take(adjuster, 'repair_claim_decision', claim.id);
    expect(again.statusCode).toBe(200);
    expect(again.json().assignee.id).toBe(adjusterId);
    expect(await auditActions(claim.id)).toEqual(['work_item.taken']);
    expect((await queueItem(second, claim.id)).assignee).toMatchObject({ id: adjusterId });
    expect(await queueItem(adjuster, claim.id, '&owner=mine')).toBeDefined();
    expect(await queueItem(second, claim.id, '&owner=mine')).toBeUndefined();
    expect(await queueItem(second, claim.id, '&owner=unassigned')).toBeUndefined();
    expect(await queueItem(second, claim.id, '&kind=gap_document_review')).toBeUndefined();
    const refused = await take(second, 'repair_claim_decision', claim.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'work_item_taken' });
    expect(refused.json().detail).toContain('already taken');
  });

  it('two people taking the same claim at once: one wins, the other gets 409 work_item_taken', async () => {
    for (let round = 0; round < 3; round++) {
      const claim = await repairClaim();
      const answers = await Promise.all([
        take(adjuster, 'repair_claim_decision', claim.id),
        take(second, 'repair_claim_decision', claim.id),
      ]);
      const statuses = answers.map((answer) => answer.statusCode).sort();
      expect(statuses).toEqual([200, 409]);
      const loser = answers.find((answer) => answer.statusCode === 409)!;
      expect(loser.json().code).toBe('work_item_taken');
      const winner = answers.find((answer) => answer.statusCode === 200)!.json().assignee.id;
      expect([adjusterId, secondId]).toContain(winner);
      expect((await queueItem(adjuster, claim.id)).assignee.id).toBe(winner);
      expect(await auditActions(claim.id)).toEqual(['work_item.taken']);
    }
  });

  it('replays an idempotent take and refuses a reused key with another request', async () => {
    const claim = await repairClaim();
    const first = await take(adjuster, 'repair_claim_decision', claim.id, 'take-1');
    const replay = await take(adjuster, 'repair_claim_decision', claim.id, 'take-1');
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    const other = await repairClaim();
    const reused = await take(adjuster, 'repair_claim_decision', other.id, 'take-1');
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('idempotency_key_reused');
  });

  it('assigns to a colleague whose role can open the item, and releases', async () => {
    const claim = await repairClaim();
    await take(adjuster, 'repair_claim_decision', claim.id);
    const toReviewer = await adjuster({
      method: 'POST',
      url: `/api/v1/work-items/repair_claim_decision/${claim.id}/assignment`,
      payload: { assigneeId: reviewerId },
    });
    expect(toReviewer.statusCode).toBe(422);
    expect(toReviewer.json()).toMatchObject({ code: 'assignee_not_eligible', param: 'assigneeId' });
    const handed = await adjuster({
      method: 'POST',
      url: `/api/v1/work-items/repair_claim_decision/${claim.id}/assignment`,
      payload: { assigneeId: secondId, note: 'Second adjuster knows this shop' },
    });
    expect(handed.statusCode, handed.body).toBe(200);
    expect(handed.json().assignee.id).toBe(secondId);
    const byReviewer = await reviewer({
      method: 'POST',
      url: `/api/v1/work-items/repair_claim_decision/${claim.id}/assignment`,
      payload: { assigneeId: reviewerId },
    });
    expect(byReviewer.statusCode).toBe(403);
    const released = await second({
      method: 'POST',
      url: `/api/v1/work-items/repair_claim_decision/${claim.id}/release`,
    });
    expect(released.statusCode).toBe(200);
    expect(released.json().assignee).toBeNull();
    const releasedAgain = await second({
      method: 'POST',
      url: `/api/v1/work-items/repair_claim_decision/${claim.id}/release`,
    });
    expect(releasedAgain.statusCode).toBe(200);
    expect(await auditActions(claim.id)).toEqual([
      'work_item.taken',
      'work_item.assigned',
      'work_item.released',
    ]);
    const assignees = await adjuster({ url: '/api/v1/work-items/assignees?kind=repair_claim_decision' });
    const roles = new Set(assignees.json().data.map((user: { role: string }) => user.role));
    expect([...roles].sort()).toEqual(['adjuster', 'admin']);
  });

  it('answers the owners of a page of a list, for the kinds a role can open', async () => {
    const taken = await repairClaim();
    const free = await repairClaim();
    await take(adjuster, 'repair_claim_decision', taken.id);
    const owners = await adjuster({
      url: `/api/v1/work-items/owners?kind=repair_claim_decision&ids=${taken.id},${free.id.toUpperCase()}`,
    });
    expect(owners.statusCode, owners.body).toBe(200);
    expect(owners.json().data).toEqual([
      { id: taken.id, assignee: expect.objectContaining({ id: adjusterId }), assignedAt: expect.any(String) },
      { id: free.id, assignee: null, assignedAt: null },
    ]);
    // A reviewer does not open repair claims, so is not told who owns them.
    const byReviewer = await reviewer({
      url: `/api/v1/work-items/owners?kind=repair_claim_decision&ids=${taken.id}`,
    });
    expect(byReviewer.statusCode).toBe(403);
    for (const ids of ['', 'not-an-id', `${taken.id};${free.id}`]) {
      const bad = await adjuster({ url: `/api/v1/work-items/owners?kind=repair_claim_decision&ids=${ids}` });
      expect(bad.statusCode, ids).toBe(400);
      expect(bad.json().code).toBe('validation_failed');
    }
  });

  it("an adjuster assigns a GAP claim to a reviewer: it is on the reviewer's home, assigned to them", async () => {
    const holder = DEMO_HOLDERS.find((candidate) => candidate.situation.includes('GAP'))!;
    const started = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: holder.lastName,
        zip: holder.zip,
        vin: holder.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    expect(started.statusCode, started.body).toBe(201);
    const claim = started.json();
    const eligible = (await adjuster({ url: '/api/v1/work-items/assignees?kind=gap_claim' })).json().data;
    expect(eligible.map((user: { id: string }) => user.id)).toContain(reviewerId);
    const assigned = await adjuster({
      method: 'POST',
      url: `/api/v1/work-items/gap_claim/${claim.id}/assignment`,
      payload: { assigneeId: reviewerId, note: 'Riley has the lender on the phone' },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const home = (await reviewer({ url: '/api/v1/my-work' })).json();
    expect(home.assignedToMe).toContainEqual(
      expect.objectContaining({
        kind: 'gap_claim',
        id: claim.id,
        title: `GAP claim ${claim.claimNumber}`,
        href: `/staff/gap-claims/${claim.id}`,
        assignee: expect.objectContaining({ id: reviewerId, name: 'Riley Reviewer' }),
      }),
    );
    const owners = (
      await reviewer({ url: `/api/v1/work-items/owners?kind=gap_claim&ids=${claim.id}` })
    ).json().data;
    expect(owners[0].assignee.id).toBe(reviewerId);
    // The adjuster taking it now is refused with the code the page explains.
    const late = await take(adjuster, 'gap_claim', claim.id);
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('work_item_taken');
    expect(await auditActions(claim.id)).toEqual(['work_item.assigned']);
  });

  it('a reviewer cannot take, see or be shown work their role cannot open', async () => {
    const claim = await repairClaim();
    const refused = await take(reviewer, 'repair_claim_decision', claim.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('forbidden');
    expect(await queueItem(reviewer, claim.id)).toBeUndefined();
    const missing = await take(adjuster, 'repair_claim_decision', '00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    const home = (await reviewer({ url: '/api/v1/my-work' })).json();
    const kinds = [...home.overdue, ...home.dueToday, ...home.assignedToMe].map(
      (item: { kind: string }) => item.kind,
    );
    expect(kinds).not.toContain('repair_claim_decision');
  });

  it('my work: assigned to me, due today, overdue and what others changed, with counts and links', async () => {
    const claim = await repairClaim();
    await take(adjuster, 'repair_claim_decision', claim.id);
    const home = await adjuster({ url: '/api/v1/my-work' });
    expect(home.statusCode, home.body).toBe(200);
    const mine = home.json().assignedToMe.find((item: { id: string }) => item.id === claim.id);
    expect(mine).toMatchObject({
      kind: 'repair_claim_decision',
      href: `/adjuster/claims/${claim.id}`,
      overdue: false,
    });
    expect(home.json().counts.assignedToMe).toBeGreaterThanOrEqual(1);
    expect(home.json().today).toBe('2026-11-23');

    // The adjuster asks the shop a question; the shop answers: a change by someone else on my work.
    const asked = await adjuster({
      method: 'POST',
      url: `/api/v1/repair-claims/${claim.id}/authorization`,
      payload: { requestInformation: 'Photos of the calipers, please.' },
    });
    expect(asked.statusCode, asked.body).toBe(200);
    const answered = await shop({
      method: 'POST',
      url: `/api/v1/repair-claims/${claim.id}/information`,
      payload: { message: 'Photos sent by email.' },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    const later = (await adjuster({ url: '/api/v1/my-work' })).json();
    const change = later.recentlyChanged.find((item: { itemId: string }) => item.itemId === claim.id);
    expect(change).toMatchObject({ kind: 'repair_claim_decision', by: 'shop@coverwise.test' });
    expect(change.title).toMatch(/^Repair claim: /);
    expect(later.counts.recentlyChanged).toBeGreaterThanOrEqual(1);

    // Two business days on, the claim is past its due day (Tuesday): overdue.
    // (Sessions expire meanwhile: sign in again at the later instant.)
    clock.set('2026-11-26T15:00:00Z');
    try {
      const lateAdjuster = await staffClient(server, 'adjuster@coverwise.test');
      const overdueHome = (await lateAdjuster({ url: '/api/v1/my-work' })).json();
      // Mine, and now overdue (the queue the home is made from says so).
      expect(await queueItem(lateAdjuster, claim.id)).toMatchObject({ overdue: true, dueOn: '2026-11-24' });
      expect(overdueHome.counts.overdue).toBeGreaterThanOrEqual(1);
      // The overdue section lists the most overdue first (the demo's other late items may fill it
      // before this claim, so it is there unless the section is full of items due no later).
      const section: { id: string; dueOn: string; overdue: boolean }[] = overdueHome.overdue;
      expect(section.every((item) => item.overdue && item.dueOn < '2026-11-26')).toBe(true);
      expect(section.map((item) => item.dueOn)).toEqual(section.map((item) => item.dueOn).sort());
      if (!section.some((item) => item.id === claim.id)) {
        expect(section.length).toBe(SECTION_ITEMS);
        expect(section.every((item) => item.dueOn <= '2026-11-24')).toBe(true);
      }
      expect(overdueHome.dueToday.find((item: { id: string }) => item.id === claim.id)).toBeUndefined();
    } finally {
      clock.set('2026-11-23T15:00:00Z');
    }
    clock.set('2026-11-24T15:00:00Z');
    try {
      const nextDayAdjuster = await staffClient(server, 'adjuster@coverwise.test');
      const dueHome = (await nextDayAdjuster({ url: '/api/v1/my-work' })).json();
      // Mine and due today (the queue says so); the section holds it unless the demo's other items
      // due today fill it (rental and trip claims are in the queue too).
      expect(await queueItem(nextDayAdjuster, claim.id)).toMatchObject({
        overdue: false,
        dueOn: '2026-11-24',
      });
      expect(dueHome.counts.dueToday).toBeGreaterThanOrEqual(1);
      const todaySection: { id: string; dueOn: string }[] = dueHome.dueToday;
      expect(todaySection.every((item) => item.dueOn === '2026-11-24')).toBe(true);
      if (!todaySection.some((item) => item.id === claim.id)) {
        expect(todaySection.length).toBe(SECTION_ITEMS);
        expect(dueHome.counts.dueToday).toBeGreaterThan(SECTION_ITEMS);
      }
    } finally {
      clock.set('2026-11-23T15:00:00Z');
    }
  });
});
