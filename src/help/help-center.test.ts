import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/support/engines.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import type { Catalog } from '../catalog/catalog.schema.js';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { HELP_ARTICLES } from './articles.js';
import { fillPlaceholders, helpArticlesIn, renderHelpCenter } from './help-center.js';
import { type HelpSettings, helpValues } from './help-facts.js';

/** Intl puts narrow and thin no-break spaces around times and dashes; the tests read them as spaces. */
function spaced(text: string): string {
  return text.replace(/[\u00a0\u2009\u202f]/g, ' ');
}

const settings: HelpSettings = {
  supportPhone: '1-800-555-0142',
  // Monday to Friday, 08:00 to 20:00 in New York.
  supportHours: {
    timeZone: 'America/New_York',
    rules: [{ days: [{ first: 1, last: 5 }], times: [{ opensMinutes: 8 * 60, closesMinutes: 20 * 60 }] }],
  },
  roadsidePhone: '1-800-555-0199',
  documentReviewBusinessDays: 2,
};
const catalog = loadDefaultCatalog();

describe('help center articles', () => {
  const values = helpValues(catalog, settings);

  it.each([
    ['vscFreeLookDays', '60'],
    ['stateFreeLookDays', '30'],
    ['gapFreeLookDays', '30'],
    ['transferFee', '$50.00'],
    ['transferWindowDays', '30'],
    ['rentalDailyLimit', '$35.00'],
    ['tripMaxDays', '3'],
    ['gapDocumentsDueDays', '90'],
    ['reviewBusinessDays', '2'],
    ['deductibles', '$0.00 to $200.00'],
  ])('quotes %s from the default catalog and settings as %s', (name, written) => {
    expect(values[name]).toBe(written);
  });

  it('answers every question a holder asks, with every figure filled in', () => {
    const help = renderHelpCenter(catalog, 1, settings);
    expect(help.articles.map((article) => article.id)).toEqual([
      'where-to-repair',
      'what-is-covered',
      'start-gap-claim',
      'how-long-review',
      'transfer-or-cancel',
      'what-does-it-cost',
      'contact-us',
    ]);
    for (const article of help.articles)
      for (const paragraph of article.paragraphs) expect(paragraph).not.toMatch(/[{}]/);
    const review = help.articles.find((article) => article.id === 'how-long-review')!;
    expect(review.paragraphs[0]).toContain('within 2 business days');
  });

  it('follows a catalog change: a 45-day free look reads 45 in the cancellation answer', () => {
    const changed: Catalog = {
      ...catalog,
      plans: catalog.plans.map((plan) =>
        plan.product === 'vsc' ? { ...plan, cancellation: { ...plan.cancellation, freeLookDays: 45 } } : plan,
      ),
    };
    const cancel = renderHelpCenter(changed, 2, settings).articles.find(
      (a) => a.id === 'transfer-or-cancel',
    )!;
    expect(cancel.paragraphs[0]).toContain('(45 days for a service contract');
  });

  it('lists the state rule sentences under the answers that depend on the state', () => {
    const cost = renderHelpCenter(catalog, 1, settings).articles.find((a) => a.id === 'what-does-it-cost')!;
    expect(cost.stateRules).toContain('In Florida, the fee to transfer the contract to a new owner is $40.');
  });

  it('answers the same questions in Spanish, with the same figures filled in', () => {
    const spanish = renderHelpCenter(catalog, 1, settings, helpArticlesIn('es'), 'es');
    const english = renderHelpCenter(catalog, 1, settings);
    expect(spanish.articles.map((article) => article.id)).toEqual(english.articles.map((a) => a.id));
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [index, article] of helpArticlesIn('es').entries()) {
      const source = HELP_ARTICLES[index]!;
      expect(article.question).not.toBe(source.question);
      expect(article.paragraphs.map(placeholders)).toEqual(source.paragraphs.map(placeholders));
      expect(article.action?.href).toBe(source.action?.href);
    }
    const cost = spanish.articles.find((a) => a.id === 'what-does-it-cost')!;
    expect(cost.paragraphs[0]).toContain('($0.00 a $200.00)');
    // The hours too: said in Spanish from the setting's days and times, no English left.
    expect(spaced(spanish.articles.find((a) => a.id === 'contact-us')!.paragraphs[0]!)).toBe(
      'Llame a servicio al cliente al 1-800-555-0142, lunes – viernes 8:00 a.m. – 8:00 p.m. (hora oriental).',
    );
    expect(spaced(spanish.contact.supportHours)).toBe(
      'lunes – viernes 8:00 a.m. – 8:00 p.m. (hora oriental)',
    );
    expect(spaced(english.contact.supportHours)).toBe('Monday – Friday 8:00 AM – 8:00 PM (Eastern Time)');
    // A Spanish search word finds the answer, and so does the English one.
    const cancel = spanish.articles.find((a) => a.id === 'transfer-or-cancel')!;
    expect(cancel.keywords).toEqual(expect.arrayContaining(['cancelación', 'cancel']));
  });

  it('refuses a placeholder that has no value (a programmer error)', () => {
    expect(() => fillPlaceholders('Call {nowhere}.', {})).toThrow(/nowhere/);
    expect(HELP_ARTICLES.length).toBeGreaterThanOrEqual(6);
  });
});

describeEachEngine('GET /api/v1/help', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      engine,
      env: {
        COVERWISE_SUPPORT_PHONE: '1-888-555-0100',
        COVERWISE_SUPPORT_HOURS: 'Mo-Su 07:00-19:00',
        COVERWISE_TIMEZONE: 'America/Los_Angeles',
      },
    });
  });
  afterAll(() => server?.close());

  it('answers without signing in, with contact details from the settings', async () => {
    const response = await server.built.app.inject({ method: 'GET', url: '/api/v1/help' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.catalogVersion).toBe(1);
    expect(body.contact.supportPhone).toBe('1-888-555-0100');
    const contact = body.articles.find((article: { id: string }) => article.id === 'contact-us');
    expect(spaced(contact.paragraphs[0])).toBe(
      'Call customer service at 1-888-555-0100, Monday – Sunday 7:00 AM – 7:00 PM (Pacific Time).',
    );
    expect(spaced(body.contact.supportHours)).toBe('Monday – Sunday 7:00 AM – 7:00 PM (Pacific Time)');
  });

  it('answers in Spanish when asked, and refuses a language it does not speak', async () => {
    const spanish = await server.built.app.inject({ method: 'GET', url: '/api/v1/help?language=es' });
    expect(spanish.statusCode).toBe(200);
    const contact = spanish.json().articles.find((article: { id: string }) => article.id === 'contact-us');
    expect(contact.question).toBe('¿Cómo me comunico con ustedes?');
    expect(spaced(spanish.json().contact.supportHours)).toBe(
      'lunes – domingo 7:00 a.m. – 7:00 p.m. (hora del Pacífico)',
    );
    const french = await server.built.app.inject({ method: 'GET', url: '/api/v1/help?language=fr' });
    expect(french.statusCode).toBe(400);
  });
});
