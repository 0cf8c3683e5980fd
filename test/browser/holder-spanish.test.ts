import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { multipart, PDF } from '../security/multipart.js';
import { axeViolations } from '../support/axe.js';
import { chromiumAvailable, launchBrowser } from '../support/browser.js';
import { staffClient } from '../support/http.js';
import { startTestServer } from '../support/server.js';
import { serverToday } from '../support/today.js';

// A Spanish-speaking holder: the browser says es-US, so the holder pages speak Spanish from the first
// one; the switch in the header turns them to English and back, and the choice is remembered.

const holder = DEMO_HOLDERS[0]!;
// Kansas, not financed, bought 90 days ago: the default $50 transfer fee.
const kansasHolder = DEMO_HOLDERS.find((candidate) => candidate.state === 'KS')!;
// Financed, with a GAP addendum: a claim on it is decided before the holder reads it.
const gapHolder = DEMO_HOLDERS.find((candidate) => candidate.situation.includes('GAP'))!;
const deskViewport = { width: 1280, height: 900 };
const phoneViewport = { width: 390, height: 844 };

describe.skipIf(!chromiumAvailable())('holder journey in Spanish', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ demo: true }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openSpanishPage(path: string): Promise<Page> {
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: phoneViewport,
      locale: 'es-US',
    });
    const page = await context.newPage();
    await page.goto(path);
    return page;
  }

  /** axe finds nothing at desk and at phone width. */
  async function expectAxeClean(page: Page) {
    for (const viewport of [deskViewport, phoneViewport]) {
      await page.setViewportSize(viewport);
      expect(await axeViolations(page), `axe at ${viewport.width}px on ${page.url()}`).toEqual([]);
    }
  }

  const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

  it('signs in and reads the coverage in Spanish, switches to English and back', async () => {
    const page = await openSpanishPage('/');
    try {
      expect(await htmlLang(page)).toBe('es');
      await page.getByRole('link', { name: 'Titulares de contratos: consulte su cobertura' }).click();
      await page.getByRole('heading', { level: 1, name: 'Inicie sesión para ver su cobertura' }).waitFor();
      await expectAxeClean(page);

      // Every error at once, in Spanish, next to its field.
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.getByText('Escriba su apellido tal como aparece en su contrato.').waitFor();
      await page.getByText('Revise los 3 campos marcados abajo.').waitFor();
      await expectAxeClean(page);

      await page.getByLabel('Apellido').fill(holder.lastName);
      await page.getByLabel('Código postal').fill(holder.zip);
      await page.getByLabel('VIN').fill(holder.vin);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();

      await page.waitForURL('**/my');
      await page.getByRole('heading', { level: 1, name: 'Mi cobertura' }).waitFor();
      const card = page.getByRole('article').first();
      await card.getByText('Vigente', { exact: true }).waitFor();
      await card.getByRole('heading', { name: 'Qué cubre' }).waitFor();
      // The catalog's component groups in Spanish too (the default catalog's words are translated).
      await card.getByText('Motor', { exact: true }).waitFor();
      await card.getByText('Frenos', { exact: true }).waitFor();
      expect(await card.getByText('Engine', { exact: true }).count()).toBe(0);
      await card.getByText('$35 por día, hasta $175 por visita al taller', { exact: false }).waitFor();
      // Dates as Spanish readers write them.
      await card.getByText(/^Del \d{1,2} de [a-z]+ de \d{4} al \d{1,2} de [a-z]+ de \d{4}/).waitFor();
      await page.getByText('¿Necesita ayuda ahora?').waitFor();
      // The roadside line's hours in Spanish too: the setting is the number only.
      await page.getByRole('link', { name: 'llame al 1-800-555-0199 (las 24 horas)' }).waitFor();
      expect(await page.getByText('24 hours a day', { exact: false }).count()).toBe(0);
      await expectAxeClean(page);

      const languages = page.getByRole('navigation', { name: 'Idioma' });
      await languages.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'My coverage' }).waitFor();
      await page.getByText('In force', { exact: true }).first().waitFor();
      expect(await htmlLang(page)).toBe('en');
      await expectAxeClean(page);

      // The choice outlives a reload, whatever the browser says.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'My coverage' }).waitFor();
      expect(await htmlLang(page)).toBe('en');

      await page
        .getByRole('navigation', { name: 'Language' })
        .getByRole('button', { name: 'Español' })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Mi cobertura' }).waitFor();
      expect(await htmlLang(page)).toBe('es');

      // The claims page speaks Spanish too, forms and errors included.
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Mis reclamos' })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Mis reclamos' }).waitFor();
      await page.getByRole('heading', { name: 'Reclamos de reparación' }).first().waitFor();
      const roadside = page.getByRole('form', { name: 'Pedir asistencia en carretera' }).first();
      await roadside.getByRole('button', { name: 'Pedir ayuda' }).click();
      await roadside.getByText('Indique dónde está el vehículo', { exact: false }).first().waitFor();
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('says a cancellation quote in Spanish: its lines and who is paid come from codes, not English', async () => {
    const page = await openSpanishPage('/my/sign-in');
    try {
      await page.getByLabel('Apellido').fill(holder.lastName);
      await page.getByLabel('Código postal').fill(holder.zip);
      await page.getByLabel('VIN').fill(holder.vin);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.waitForURL('**/my');
      await page.getByRole('link', { name: 'Cancelar mi contrato' }).first().click();
      const odometer = page.getByLabel('Lectura del odómetro (millas)');
      // A reading that is not whole miles is said at once, under the field.
      await odometer.fill('25000.7');
      await page.getByText('Escriba la lectura del odómetro en millas enteras', { exact: false }).waitFor();
      expect(await odometer.getAttribute('aria-invalid')).toBe('true');
      // A refusal of the quote is said from its code, not in the API's English.
      await odometer.fill('1');
      await page
        .getByText('La lectura del odómetro es menor que la del día en que se vendió el contrato.')
        .waitFor();
      expect(await page.getByText('The odometer reading is below', { exact: false }).count()).toBe(0);
      await odometer.fill('25000');
      await page.getByLabel('¿Por qué cancela?').selectOption('customer_request');
      const quote = page.getByRole('region', { name: 'Su cotización de reembolso' });
      // The share line, said from its code and numbers (the API's English label is "Refund share: …").
      await quote
        .getByText(/^Parte del reembolso: quedan [\d,]+ de [\d,]+ (días|millas)/)
        .first()
        .waitFor();
      await quote.getByText('Cargo administrativo', { exact: true }).waitFor();
      await quote.getByText('su prestamista, porque el préstamo sigue abierto', { exact: false }).waitFor();
      expect(await quote.getByText('Refund share', { exact: false }).count()).toBe(0);
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('opens the GAP Claims Center in Spanish', async () => {
    const page = await openSpanishPage('/gap-claims');
    try {
      await page.getByRole('heading', { level: 1, name: 'Centro de reclamos GAP' }).waitFor();
      await page.getByRole('button', { name: 'Presentar mi reclamo' }).click();
      await page.getByText('Escriba el apellido que aparece en su contrato.').waitFor();
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('transfers a contract in Spanish, and the request carries the holder language', async () => {
    const page = await openSpanishPage('/my/sign-in');
    try {
      await page.getByLabel('Apellido').fill(kansasHolder.lastName);
      await page.getByLabel('Código postal').fill(kansasHolder.zip);
      await page.getByLabel('VIN').fill(kansasHolder.vin);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.waitForURL('**/my');
      await page.getByRole('link', { name: 'Transferir mi contrato' }).click();
      await page.getByRole('heading', { level: 1, name: 'Transferir mi contrato' }).waitFor();
      await page.getByText('Cargo de transferencia: $50.00', { exact: false }).waitFor();
      await page.getByText('Avísenos dentro de los', { exact: false }).waitFor();
      await expectAxeClean(page);

      // A form error in Spanish, then the request.
      await page.getByRole('button', { name: 'Solicitar la transferencia' }).click();
      await page
        .getByText('Escriba la lectura del odómetro al momento de la venta', { exact: false })
        .waitFor();
      await expectAxeClean(page);
      await page.getByLabel('¿Cómo lo vendió?').selectOption('private');
      await page.getByLabel('Odómetro al momento de la venta (millas)').fill('15000');
      await page.getByLabel('Nombre', { exact: true }).fill('Grace');
      await page.getByLabel('Apellido', { exact: true }).fill('Hopper');
      await page.getByLabel('Dirección').fill('12 River Rd');
      await page.getByLabel('Ciudad').fill('Topeka');
      await page.getByLabel('Estado', { exact: true }).fill('KS');
      await page.getByLabel('Código postal (ZIP) del comprador').fill('66603');
      await page.getByRole('button', { name: 'Solicitar la transferencia' }).click();

      await page.getByRole('heading', { name: 'Su transferencia' }).waitFor();
      await page
        .getByText('Esperamos el pago del cargo de transferencia de $50.00. Llámenos al 1-800-555-0142', {
          exact: false,
        })
        .waitFor();
      await page.getByText('15,000 millas').waitFor();
      await page.getByText('Todavía no hay registros adjuntos.').waitFor();
      await page.getByLabel('Agregar un registro de mantenimiento').waitFor();
      await expectAxeClean(page);

      // The holder's language is kept for the contract, so later emails about it are in Spanish.
      const kept = await server.built.database.db
        .selectFrom('contract_holder_languages')
        .innerJoin('contracts', 'contracts.id', 'contract_holder_languages.contract_id')
        .select('contract_holder_languages.language')
        .where('contracts.contract_number', '=', kansasHolder.contractNumber)
        .executeTakeFirst();
      expect(kept?.language).toBe('es');
    } finally {
      await page.context().close();
    }
  });

  it('says the errors already on the sign-in form in the language the holder switches to', async () => {
    const page = await openSpanishPage('/my/sign-in');
    try {
      await page.getByRole('heading', { level: 1, name: 'Inicie sesión para ver su cobertura' }).waitFor();
      await page.getByLabel('VIN').fill(holder.vin.slice(0, 16));
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.getByText('Escriba su apellido tal como aparece en su contrato.').waitFor();
      await page.getByText('Un VIN tiene 17 letras y números; el que escribió tiene 16.').waitFor();
      await page.getByText('Revise los 3 campos marcados abajo.').waitFor();

      // The errors were kept as Spanish strings and stayed Spanish on the English page.
      await page.getByRole('navigation', { name: 'Idioma' }).getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in to see your coverage' }).waitFor();
      await page.getByText('Enter your last name as it is on your contract.').waitFor();
      await page.getByText('A VIN has 17 letters and numbers; the one entered has 16.').waitFor();
      await page.getByText('Check the 3 fields marked below.').waitFor();
      expect(await page.getByText(/Escriba|Revise|Un VIN tiene/).count()).toBe(0);
      // Still marked and described, and focus stays on the switch (nothing new to fix).
      const lastName = page.getByLabel('Last name');
      expect(await lastName.getAttribute('aria-invalid')).toBe('true');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('English');
      await expectAxeClean(page);

      // A refusal from the server, said again in Spanish after the switch back.
      await lastName.fill('Nobody');
      await page.getByLabel('ZIP code').fill(holder.zip);
      await page.getByLabel('VIN').fill(holder.vin);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByText("We couldn't find a contract with those details. Check the last name, ZIP code and VIN.")
        .waitFor();
      await page
        .getByRole('navigation', { name: 'Language' })
        .getByRole('button', { name: 'Español' })
        .click();
      await page
        .getByText(
          'No encontramos un contrato con esos datos. Revise el apellido, el código postal y el VIN.',
        )
        .waitFor();
      expect(await page.getByText("We couldn't find", { exact: false }).count()).toBe(0);
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('answers in the help center in Spanish', async () => {
    const page = await openSpanishPage('/help');
    try {
      await page.getByRole('heading', { level: 1, name: 'Centro de ayuda' }).waitFor();
      await page.getByRole('heading', { name: '¿Cómo transfiero o cancelo mi contrato?' }).waitFor();
      // Customer service's hours are said in Spanish from the setting's days and times (they were the
      // setting's English words), in the contact card and in the answer that quotes them.
      const contact = page.getByRole('region', { name: 'Comuníquese con nosotros' });
      await contact
        .getByText('lunes – viernes 8:00 a.m. – 8:00 p.m. y sábado 9:00 a.m. – 1:00 p.m. (hora oriental)')
        .waitFor();
      await page
        .getByRole('region', { name: '¿Cómo me comunico con ustedes?' })
        .getByText('Llame a servicio al cliente al 1-800-555-0142, lunes – viernes 8:00 a.m.', {
          exact: false,
        })
        .waitFor();
      expect(await page.getByText(/Monday|Saturday|Eastern/).count()).toBe(0);
      await page.getByPlaceholder('p. ej., cancelación, alquiler, remolque').waitFor();
      await page.getByLabel('Buscar en el centro de ayuda').fill('cancelación');
      await page.getByText('1 respuesta coincide con “cancelación”', { exact: false }).waitFor();
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('reads the state rules of the help center in Spanish, said from their ids and amounts', async () => {
    const page = await openSpanishPage('/help');
    try {
      const cost = page.getByRole('region', { name: '¿Cómo transfiero o cancelo mi contrato?' });
      await cost.getByText('Reglas que varían según el estado').first().click();
      await cost
        .getByText('En Florida, el cargo por transferir el contrato a un nuevo dueño es de $40.00.')
        .waitFor();
      await cost
        .getByText('La interrupción de viaje no forma parte de los contratos comprados en Kansas.')
        .waitFor();
      expect(await cost.getByText('In Florida', { exact: false }).count()).toBe(0);
      // The search reads the rules as the page says them.
      await page.getByLabel('Buscar en el centro de ayuda').fill('Florida');
      await page.getByRole('heading', { name: '¿Cómo transfiero o cancelo mi contrato?' }).waitFor();
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('shows a decided GAP benefit line by line in Spanish', async () => {
    // The claim through the API: started, every document accepted, the benefit calculated and approved.
    const inject = server.built.app.inject.bind(server.built.app);
    const lossOn = new Date(`${serverToday()}T12:00:00Z`);
    lossOn.setUTCDate(lossOn.getUTCDate() - 10);
    const started = await inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: gapHolder.lastName,
        zip: gapHolder.zip,
        vin: gapHolder.vin,
        dateOfLoss: lossOn.toISOString().slice(0, 10),
        lossType: 'total_loss',
        language: 'es',
      },
    });
    expect(started.statusCode, started.body).toBe(201);
    const claim = started.json();
    for (const item of claim.requiredDocuments) {
      const body = multipart(
        { type: item.type },
        { name: `${item.type}.pdf`, bytes: PDF, contentType: 'application/pdf' },
      );
      const uploaded = await inject({
        method: 'POST',
        url: `/api/v1/gap-claims/${claim.id}/documents`,
        payload: body.payload,
        headers: { ...body.headers, authorization: `Bearer ${claim.token}` },
      });
      expect(uploaded.statusCode, uploaded.body).toBe(201);
    }
    const reviewer = await staffClient(server, 'reviewer@coverwise.test');
    for (const document of (await reviewer({ url: `/api/v1/gap-claims/${claim.id}` })).json().documents)
      await reviewer({
        method: 'POST',
        url: `/api/v1/documents/${document.id}/review`,
        payload: { decision: 'accept' },
      });
    const adjuster = await staffClient(server, 'adjuster@coverwise.test');
    const calculated = await adjuster({
      method: 'POST',
      url: `/api/v1/gap-claims/${claim.id}/benefit`,
      payload: {
        payoffCents: 2_000_000,
        acvCents: 1_600_000,
        primaryDeductibleCents: 50_000,
        pastDueCents: 20_000,
      },
    });
    expect(calculated.statusCode, calculated.body).toBe(200);
    const approved = await adjuster({
      method: 'POST',
      url: `/api/v1/gap-claims/${claim.id}/approval`,
      payload: {},
    });
    expect(approved.statusCode, approved.body).toBe(200);

    const page = await openSpanishPage('/gap-claims');
    try {
      await page.getByLabel('Apellido').fill(gapHolder.lastName);
      await page.getByLabel('Código postal').fill(gapHolder.zip);
      await page.getByLabel('VIN').fill(gapHolder.vin);
      await page.getByRole('button', { name: 'Continuar mi reclamo' }).click();
      await page.waitForURL(`**/gap-claims/${claim.id}`);
      const benefit = page.getByRole('region', { name: 'Su beneficio GAP' });
      await benefit.getByText('Saldo para liquidar el préstamo en la fecha de la pérdida').waitFor();
      await benefit.getByText('Se restan los pagos atrasados').waitFor();
      await benefit.getByText('Pago del seguro: valor real en efectivo del vehículo').waitFor();
      await benefit.getByText('Su deducible del seguro').waitFor();
      await benefit.getByText('$4,300.00').waitFor();
      expect(await benefit.getByText('Loan payoff', { exact: false }).count()).toBe(0);
      await expectAxeClean(page);
    } finally {
      await page.context().close();
    }
  });

  it('keeps staff pages in English for a Spanish browser', async () => {
    const page = await openSpanishPage('/staff/sign-in');
    try {
      expect(await htmlLang(page)).toBe('en');
      expect(await page.getByRole('navigation', { name: 'Idioma' }).count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });
});
