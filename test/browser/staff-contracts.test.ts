import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_CSV_COLUMNS, type ContractCsvColumn } from '../../src/contracts/contract-import.js';
import { computeVinCheckDigit, withCheckDigit } from '../../src/contracts/vin.js';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { chromiumAvailable, launchBrowser, openSignedIn } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

// Staff journeys through the built web app against the real server with demo data: an adjuster finds
// a contract and reads its detail and audit trail; an administrator imports a dealer file.

const screenshotDirectory = fileURLToPath(new URL('../../test-results/', import.meta.url));
const featuredHolder = DEMO_HOLDERS[0]!;

// The dealer-file columns (README, "Dealer-file import"), in order, without the optional flag.
type DealerColumn = Exclude<ContractCsvColumn, 'sold_after_vehicle_sale'>;
const dealerFileColumns = CONTRACT_CSV_COLUMNS.filter(
  (c): c is DealerColumn => c !== 'sold_after_vehicle_sale',
);

type DealerRow = Record<DealerColumn, string>;

const goodVin = withCheckDigit('1HGCM8260RA104352');
// The same VIN with any other check digit: a typo the check digit exists to catch.
const badVin = `${goodVin.slice(0, 8)}${computeVinCheckDigit(goodVin) === '1' ? '2' : '1'}${goodVin.slice(9)}`;

function dealerRow(overrides: Partial<DealerRow>): DealerRow {
  return {
    contract_number: 'IMPORT-000001',
    product: 'vsc',
    plan_code: 'VALUE_GUARD',
    holder_first_name: 'Imani',
    holder_last_name: 'Importwell',
    holder_email: 'imani@example.com',
    holder_phone: '555-0199',
    address_line1: '12 Elm Street',
    city: 'Kansas City',
    state: 'MO',
    zip: '64111',
    vin: goodVin,
    vehicle_year: '2024',
    vehicle_make: 'Honda',
    vehicle_model: 'Accord',
    odometer_at_sale: '15000',
    purchase_date: '2026-10-01',
    purchase_state: 'MO',
    term_months: '36',
    term_miles: '36000',
    price_cents: '189900',
    deductible_cents: '10000',
    lienholder_name: '',
    dealer_code: 'D-1001',
    dealer_name: 'Plaza Honda',
    amount_financed_cents: '',
    msrp_cents: '',
    dealer_cost_cents: '',
    ...overrides,
  };
}

function dealerFile(rows: DealerRow[]): string {
  const lines = [
    dealerFileColumns.join(','),
    ...rows.map((row) => dealerFileColumns.map((c) => row[c]).join(',')),
  ];
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!chromiumAvailable())('staff contracts', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lets the adjuster find a contract by last name and read its detail and audit trail', async () => {
    const page = await openSignedIn(browser, server, 'adjuster@coverwise.test');
    try {
      // Only administrators import dealer files, so the adjuster's menu has no Import.
      const navigation = page.getByRole('navigation', { name: 'Main' });
      expect(await navigation.getByRole('link', { name: 'Import' }).count()).toBe(0);
      await navigation.getByRole('link', { name: 'Contracts' }).click();
      await page.getByRole('heading', { level: 1, name: 'Contracts' }).waitFor();

      // A prefix of the last name, in lower case, finds the contract.
      const search = page.getByRole('form', { name: 'Search contracts' });
      await search.getByLabel('Last name').fill(featuredHolder.lastName.slice(0, 4).toLowerCase());
      await search.getByRole('button', { name: 'Search' }).click();

      await page.getByRole('heading', { level: 2, name: 'Results' }).waitFor();
      expect(new URL(page.url()).searchParams.get('lastName')).toBe(
        featuredHolder.lastName.slice(0, 4).toLowerCase(),
      );
      const row = page.getByRole('row').filter({ hasText: featuredHolder.contractNumber });
      await row.getByText(featuredHolder.lastName, { exact: false }).waitFor();
      await row.getByRole('link', { name: featuredHolder.contractNumber }).click();

      await page.waitForURL(/\/staff\/contracts\/[^/]+$/);
      await page
        .getByRole('heading', { level: 1, name: `Contract ${featuredHolder.contractNumber}` })
        .waitFor();
      for (const section of ['Holder', 'Vehicle', 'Plan and term', 'Money', 'Lienholder', 'Selling dealer']) {
        await page.getByRole('heading', { level: 2, name: section, exact: true }).waitFor();
      }
      // Staff see the whole VIN, unlike the holder's page.
      await page.getByText(featuredHolder.vin, { exact: true }).waitFor();
      await page.getByRole('heading', { level: 2, name: /^Coverage on / }).waitFor();

      const auditTrail = page.getByRole('region', { name: 'Audit trail' }).first();
      await auditTrail.getByRole('cell', { name: 'Contract created' }).first().waitFor();

      await mkdir(screenshotDirectory, { recursive: true });
      await page.screenshot({ path: `${screenshotDirectory}staff-contract-detail.png`, fullPage: true });

      // Back returns to the same search, its results still there.
      await page.goBack();
      await page.getByRole('link', { name: featuredHolder.contractNumber }).waitFor();
    } finally {
      await page.context().close();
    }
  });

  it('lets the admin import a dealer file and see which rows were accepted and which rejected', async () => {
    const page = await openSignedIn(browser, server, 'admin@coverwise.test');
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
      await page.getByRole('heading', { level: 1, name: 'Import a dealer file' }).waitFor();
      expect(await page.getByRole('link', { name: 'sample file' }).getAttribute('href')).toBe(
        '/samples/contracts-sample.csv',
      );

      const csv = dealerFile([
        dealerRow({}),
        dealerRow({ contract_number: 'IMPORT-000002', holder_last_name: 'Badvin', vin: badVin }),
      ]);
      await page.getByLabel('Dealer file (CSV)').setInputFiles({
        name: 'dealer-file.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
      await page.getByRole('button', { name: 'Import' }).click();

      const report = page.getByRole('region', { name: 'Import report for dealer-file.csv' });
      const alert = page.getByRole('alert');
      // A refused import shows an alert instead of the report: fail with its words, not a timeout.
      await report.or(alert).waitFor();
      if (await alert.isVisible()) expect.fail(`The import was refused: ${await alert.textContent()}`);
      await report.getByText('1 accepted', { exact: true }).waitFor();
      await report.getByText('0 already imported', { exact: true }).waitFor();
      await report.getByText('1 rejected', { exact: true }).waitFor();
      // The header is line 1, so the second contract is line 3.
      const rejectedRow = report.getByRole('row').filter({ hasText: 'invalid_vin' });
      expect(await rejectedRow.getByRole('cell').first().textContent()).toBe('3');
      // Focus moves to the report, so a screen-reader user hears the outcome at once.
      expect(
        await report
          .getByRole('heading', { level: 2 })
          .evaluate((element) => element === document.activeElement),
      ).toBe(true);
      // The run is listed under the recent imports with the same counters.
      const recent = page
        .getByRole('region', { name: 'Recent imports' })
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: 'dealer-file.csv' }) });
      await recent.getByRole('cell', { name: 'Finished' }).waitFor();
      expect(await recent.getByRole('cell').allTextContents()).toEqual(
        expect.arrayContaining(['admin@coverwise.test', 'Finished', '2', '1', '0']),
      );
      // The report survives a reload: the address names the import.
      await page.reload();
      await report.getByText('1 rejected', { exact: true }).waitFor();
      await report.getByRole('row').filter({ hasText: 'invalid_vin' }).waitFor();

      await mkdir(screenshotDirectory, { recursive: true });
      await page.screenshot({ path: `${screenshotDirectory}admin-import.png`, fullPage: true });
    } finally {
      await page.context().close();
    }
  });
});
