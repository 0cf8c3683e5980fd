import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { pdfUpload } from '../security/multipart.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { holderClient, staffClient } from '../support/http.js';
import { startTestServer } from '../support/server.js';

// Claim assignment in the staff pages (issue 19): an adjuster assigns a GAP claim to a colleague with
// the "Assign to…" picker (a labelled select, an optional note, a confirmation), and the colleague
// finds it on their home and in the GAP claims list as theirs; a reviewer takes a document review,
// sees the queue name them, and releases it; someone who takes an item a moment too late is told why.
// axe finds nothing on the pages they visit, at desk and phone widths.

const clock = new FakeClock('2026-11-25T15:00:00Z');
const gapHolder = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;

describe.skipIf(!chromiumAvailable())('work assignment in the staff pages', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let claim: { id: string; claimNumber: string };
  let review: { id: string; typeName: string };
  let rental: { id: string; contractId: string };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true, clock }), launchBrowser()]);
    const started = await server.built.app.inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: gapHolder.lastName,
        zip: gapHolder.zip,
        vin: gapHolder.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    expect(started.statusCode, started.body).toBe(201);
    const opened = started.json();
    claim = { id: opened.id, claimNumber: opened.claimNumber };
    // One document received: a review waiting in the reviewers' queue.
    const body = pdfUpload(opened.requiredDocuments[0].type);
    const uploaded = await server.built.app.inject({
      method: 'POST',
      url: `/api/v1/gap-claims/${claim.id}/documents`,
      payload: body.payload,
      headers: { ...body.headers, authorization: `Bearer ${opened.token}` },
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    review = { id: uploaded.json().id, typeName: uploaded.json().typeName };

    // A rental claim: an authorized repair on a Value Guard contract, then the holder's rental days.
    const featured = DEMO_HOLDERS[0]!;
    const shop = await staffClient(server, 'shop@coverwise.test');
    const repair = await shop({
      method: 'POST',
      url: '/api/v1/repair-claims',
      payload: {
        vin: featured.vin,
        odometer: 25_000,
        complaint: 'Grinding noise when braking',
        cause: 'Front calipers seized',
        correction: 'Replace front calipers',
        lines: [
          { componentGroup: 'brakes', description: 'Front calipers', partsCents: 40_000, laborHours: 2.5 },
        ],
      },
    });
    expect(repair.statusCode, repair.body).toBe(201);
    const adjuster = await staffClient(server, 'adjuster@coverwise.test');
    const authorized = await adjuster({
      method: 'POST',
      url: `/api/v1/repair-claims/${repair.json().id}/authorization`,
      payload: { lines: [{ id: repair.json().lines[0].id, approved: true }] },
    });
    expect(authorized.statusCode, authorized.body).toBe(200);
    const holder = await holderClient(server, featured);
    const filed = await holder({
      method: 'POST',
      url: `/api/v1/contracts/${repair.json().contractId}/rental-claims`,
      payload: {
        repairClaimId: repair.json().id,
        expenses: [{ date: '2026-11-25', kind: 'rental', amountCents: 3_000 }],
      },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    rental = { id: filed.json().id, contractId: filed.json().contractId };
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  function signIn(email: string, width = 1280, height = 900): Promise<Page> {
    return openSignedIn(browser, server, email, { context: { viewport: { width, height } } });
  }

  const isFocused = (locator: ReturnType<Page['getByLabel']>) =>
    locator.evaluate((element) => element === document.activeElement);

  it('lets an adjuster assign a GAP claim to a colleague, who finds it on their home as theirs', async () => {
    const adjuster = await signIn('adjuster@coverwise.test');
    try {
      await adjuster
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'GAP claims' })
        .click();
      await adjuster.getByRole('heading', { level: 1, name: 'GAP claims' }).waitFor();
      const row = adjuster.getByRole('row').filter({ hasText: claim.claimNumber });
      await row.getByRole('cell', { name: 'Nobody yet' }).waitFor();
      expect(await axeViolations(adjuster)).toEqual([]);

      await row.getByRole('link', { name: claim.claimNumber }).click();
      await adjuster.getByRole('heading', { level: 1, name: `GAP claim ${claim.claimNumber}` }).waitFor();
      const owner = adjuster.getByRole('region', { name: 'Owner' });
      await owner.getByText('Nobody has taken this GAP claim yet.').waitFor();
      await owner.getByRole('button', { name: 'Take this GAP claim' }).waitFor();

      // The picker opens on its select; nothing chosen is said next to the field.
      await owner.getByRole('button', { name: 'Assign to…' }).click();
      const picker = owner.getByRole('form', { name: 'Assign this GAP claim' });
      const select = picker.getByLabel('Assign to');
      await select.waitFor();
      await expect.poll(() => isFocused(select)).toBe(true);
      await picker.getByRole('button', { name: 'Assign', exact: true }).click();
      await picker.getByText('Choose the colleague who will own this GAP claim.').waitFor();
      expect(await select.getAttribute('aria-invalid')).toBe('true');
      expect(await isFocused(select)).toBe(true);
      expect(await axeViolations(adjuster)).toEqual([]);

      // Only colleagues whose role opens GAP claims are offered (no repair shop).
      const offered = await select.locator('option').allTextContents();
      expect(offered).toContain('Riley Reviewer (Document reviewer)');
      expect(offered.some((label) => label.includes('Sam Service Advisor'))).toBe(false);
      await select.selectOption({ label: 'Riley Reviewer (Document reviewer)' });
      await picker.getByLabel('Note (optional)').fill('Riley has the lender on the phone.');
      await picker.getByRole('button', { name: 'Assign', exact: true }).click();
      const confirm = picker.getByRole('button', { name: 'Yes, assign to Riley Reviewer' });
      await confirm.waitFor();
      await picker.getByText('Assign this GAP claim to Riley Reviewer?').waitFor();
      expect(await isFocused(confirm)).toBe(true);
      expect(await axeViolations(adjuster)).toEqual([]);
      await confirm.click();
      await owner
        .getByRole('status')
        .filter({ hasText: 'Riley Reviewer now owns this GAP claim.' })
        .waitFor();
      await owner.getByText('Riley Reviewer owns this.').waitFor();
      // A lead may take it back to the queue; nobody takes an item someone owns.
      await owner.getByRole('button', { name: 'Release it from Riley Reviewer' }).waitFor();
      expect(await owner.getByRole('button', { name: 'Take this GAP claim' }).count()).toBe(0);
      expect(await axeViolations(adjuster)).toEqual([]);

      // The list names the owner.
      await adjuster.getByRole('link', { name: 'All GAP claims' }).click();
      await adjuster
        .getByRole('row')
        .filter({ hasText: claim.claimNumber })
        .getByRole('cell', { name: 'Riley Reviewer' })
        .waitFor();
    } finally {
      await adjuster.context().close();
    }

    // The colleague, on a phone: the claim is on their home under "Assigned to me", and theirs.
    const reviewer = await signIn('reviewer@coverwise.test', 390, 844);
    try {
      const assigned = reviewer.getByRole('region', { name: /^Assigned to me \(\d+\)$/ });
      const link = assigned.getByRole('link', { name: `GAP claim ${claim.claimNumber}` });
      await link.waitFor();
      await assigned
        .getByRole('listitem')
        .filter({ hasText: `GAP claim ${claim.claimNumber}` })
        .getByText('yours', { exact: false })
        .waitFor();
      expect(await axeViolations(reviewer)).toEqual([]);
      await link.click();
      await reviewer.getByRole('heading', { level: 1, name: `GAP claim ${claim.claimNumber}` }).waitFor();
      const owner = reviewer.getByRole('region', { name: 'Owner' });
      await owner.getByText('You own this.').waitFor();
      // A reviewer releases their own work but does not hand it on.
      await owner.getByRole('button', { name: 'Release' }).waitFor();
      expect(await owner.getByRole('button', { name: 'Assign to…' }).count()).toBe(0);
      expect(await axeViolations(reviewer)).toEqual([]);
      await reviewer.getByRole('link', { name: 'All GAP claims' }).click();
      await reviewer
        .getByRole('row')
        .filter({ hasText: claim.claimNumber })
        .getByRole('cell', { name: 'You', exact: true })
        .waitFor();
      expect(await axeViolations(reviewer)).toEqual([]);
    } finally {
      await reviewer.context().close();
    }
  });

  it('lets a reviewer take a document review and release it, and tells a late taker why not', async () => {
    const page = await signIn('reviewer@coverwise.test');
    try {
      const title = `${review.typeName} for GAP claim ${claim.claimNumber}`;
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Work queue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Work queue' }).waitFor();
      const row = page.getByRole('row').filter({ hasText: title });
      await row.getByRole('link', { name: title }).click();
      await page.waitForURL(`**/staff/reviews/${review.id}`);
      const owner = page.getByRole('region', { name: 'Owner' });
      await owner.getByText('Nobody has taken this document review yet.').waitFor();
      await owner.getByRole('button', { name: 'Take this document review' }).click();
      await owner.getByText('You have taken this document review.').waitFor();
      await owner.getByText('You own this.').waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // The queue names the owner.
      await page.getByRole('link', { name: 'Back to the work queue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Work queue' }).waitFor();
      await page
        .getByRole('row')
        .filter({ hasText: title })
        .getByRole('cell', { name: 'You', exact: true })
        .waitFor();

      await page.getByRole('row').filter({ hasText: title }).getByRole('link', { name: title }).click();
      await owner.getByRole('button', { name: 'Release' }).click();
      await owner.getByText('You released this document review.').waitFor();
      await owner.getByText('Nobody has taken this document review yet.').waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // An adjuster takes it while the page still offers it: taking it now is refused, in words.
      const adjuster = await staffClient(server, 'adjuster@coverwise.test');
      const taken = await adjuster({
        method: 'POST',
        url: `/api/v1/work-items/gap_document_review/${review.id}/take`,
      });
      expect(taken.statusCode, taken.body).toBe(200);
      await owner.getByRole('button', { name: 'Take this document review' }).click();
      const alert = owner.getByRole('alert');
      await alert.getByText(/^Someone else took this document review first, so it is not yours: /).waitFor();
      await alert.getByText(/Jordan Adjuster has already taken this item/).waitFor();
      expect(await alert.evaluate((element) => element === document.activeElement)).toBe(true);
      await owner.getByText('Jordan Adjuster owns this.').waitFor();
      expect(await owner.getByRole('button', { name: 'Release' }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
  it('gives a rental claim a staff page with its owner, and the contract lists it with the owner', async () => {
    const page = await signIn('adjuster@coverwise.test');
    try {
      await page.goto(`/staff/rental-claims/${rental.id}`);
      await page.getByRole('heading', { level: 1, name: /^Rental claim on contract / }).waitFor();
      await page.getByRole('cell', { name: '$30.00' }).first().waitFor();
      const owner = page.getByRole('region', { name: 'Owner' });
      await owner.getByRole('button', { name: 'Take this rental claim' }).click();
      await owner.getByText('You own this.').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('link', { name: /^Contract / }).click();
      const claims = page.getByRole('region', { name: 'Benefit claims' });
      await claims
        .getByRole('row')
        .filter({ hasText: 'Rental' })
        .getByRole('cell', { name: 'You', exact: true })
        .waitFor();
      // The repair claims too, with the authorization number; the audit trail holds the claims' own rows.
      const repairs = page.getByRole('region', { name: 'Repair claims' });
      const authorizedRow = repairs.getByRole('row').filter({ hasText: 'Authorized' }).first();
      await authorizedRow.waitFor();
      expect(await authorizedRow.textContent()).toMatch(/RC-\d{4}-\d{6}/);
      const trail = page.getByRole('region', { name: 'Audit trail' });
      await trail
        .getByRole('row')
        .filter({ hasText: 'Repair authorized' })
        .filter({ hasText: /authorization / })
        .first()
        .waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // The owner decides it: every error at once first, then the approval the payment run pays.
      await page.goto(`/staff/rental-claims/${rental.id}`);
      const decision = page.getByRole('form', { name: 'Decide the claim' });
      await decision.getByRole('button', { name: 'Record the decision' }).click();
      await decision.getByText('Approve or deny the claim.').waitFor();
      expect(await isFocused(decision.getByLabel('Approve as filed'))).toBe(true);
      await decision.getByLabel('Deny').check();
      await decision.getByLabel('Reason for denying').selectOption({ label: 'Other (say why)' });
      await decision.getByRole('button', { name: 'Record the decision' }).click();
      await decision.getByText('Write the reason: the holder reads it.').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await decision.getByLabel('Approve as filed').check();
      await decision.getByRole('button', { name: 'Record the decision' }).click();
      await page.getByText('Approved: the next payment run pays it').waitFor();
      await page.getByText(/by adjuster@coverwise\.test$/).waitFor();
      expect(await page.getByRole('form', { name: 'Decide the claim' }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
