import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, PDF } from '../../test/security/multipart.js';
import { describeEachEngine } from '../../test/support/engines.js';
import { staffClient } from '../../test/support/http.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { GAP_HOLDER, gapAddendumBody } from '../../test/support/staff-contracts.js';
import { withCheckDigit } from '../contracts/vin.js';
import { documentReceivedMessage, documentReviewedMessage } from '../gap-claims/gap-claim-messages.js';
import { FakeClock } from '../platform/clock.js';
import { dateWords, documentName, nameInSentence } from './email-i18n.js';

// Holder emails in the holder's language (docs/languages.md): the holder pages send `language` on the
// requests that lead to emails; it is kept for the contract (or account), so an email written days
// later by a staff decision is in it too. Without it, the emails are in English exactly as before.
// The emails are read from the outbox's record (holder_notifications, written in the transaction that
// queues each email).

// Wednesday 2026-11-25, 10:00 in New York: a document received now is due Monday 2026-11-30.
const clock = new FakeClock('2026-11-25T15:00:00Z');

describe('email words', () => {
  it('write dates, document names and names in sentences per language', () => {
    expect(dateWords('2026-11-30', 'en')).toBe('November 30, 2026');
    expect(dateWords('2026-11-30', 'es')).toBe('30 de noviembre de 2026');
    // English keeps the catalog's own name; Spanish names the code, else falls back to the catalog's.
    expect(documentName('gap_addendum', 'GAP Addendum (signed)', 'en')).toBe('GAP Addendum (signed)');
    expect(documentName('gap_addendum', 'GAP addendum', 'es')).toBe('Anexo GAP');
    expect(documentName('new_type', 'New type', 'es')).toBe('New type');
  });

  // A catalog name is in sentence case, for lists; inside a sentence it reads in lower case, except an
  // acronym and (in English) a proper name.
  it.each([
    ['Anexo GAP', 'es', 'anexo GAP'],
    ['VIN report', 'es', 'VIN report'],
    ['Contrato de compraventa a plazos', 'es', 'contrato de compraventa a plazos'],
    ['GAP addendum', 'en', 'GAP addendum'],
    ['Retail installment contract', 'en', 'retail installment contract'],
    ['Police/theft report', 'en', 'police/theft report'],
    ['Payment history and payoff (RIC)', 'en', 'payment history and payoff (RIC)'],
    ['Kelley Blue Book valuation', 'en', 'Kelley Blue Book valuation'],
    ['VIN etching receipt', 'en', 'VIN etching receipt'],
    ['', 'en', ''],
  ] as const)('writes "%s" inside a sentence in %s as "%s"', (name, language, expected) => {
    expect(nameInSentence(name, language)).toBe(expected);
  });

  it('says a sentence-case document name in lower case mid-sentence, and links the GAP Claims Center', () => {
    const centerUrl = 'https://coverwise.example.com/gap-claims';
    const accepted = documentReviewedMessage({
      claimNumber: 'GAP-CL-2026-000001',
      typeName: 'Retail installment contract',
      accepted: true,
      reason: null,
      centerUrl,
    });
    expect(accepted.subject).toBe(
      'GAP claim GAP-CL-2026-000001: your retail installment contract was accepted',
    );
    expect(accepted.text).toBe(
      'We reviewed and accepted your retail installment contract.\n\nYour claim number is GAP-CL-2026-000001. ' +
        `You can follow your claim in the GAP Claims Center: ${centerUrl}\n\nCoverwise Claims`,
    );
    const received = documentReceivedMessage({
      claimNumber: 'GAP-CL-2026-000001',
      typeName: 'Insurer valuation report',
      reviewDueOn: '2026-11-30',
      centerUrl,
      language: 'es',
    });
    expect(received.text).toContain(`Puede seguir su reclamo en el Centro de reclamos GAP: ${centerUrl}`);
  });
});

describeEachEngine('holder emails in the holder language', (engine) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof staffClient>>;
  let reviewer: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    clock.set('2026-11-25T15:00:00Z');
    server = await startTestServer({
      engine,
      clock,
      env: { COVERWISE_SESSION_TTL_HOURS: '720', COVERWISE_PUBLIC_URL: 'https://coverwise.example.com' },
    });
    admin = await staffClient(server, 'admin@coverwise.test');
    reviewer = await staffClient(server, 'reviewer@coverwise.test');
  });
  afterAll(() => server?.close());

  const inject = (options: InjectOptions) => server.built.app.inject(options);

  let serial = 0;
  /** A GAP addendum of its own, with the holder's email on file. */
  async function gapContract(email: string) {
    serial += 1;
    const vin = withCheckDigit(`1FTFW1E50NF${String(800_000 + serial).padStart(6, '0')}`);
    const response = await admin({
      method: 'POST',
      url: '/api/v1/contracts',
      payload: gapAddendumBody(vin, {
        holder: { ...GAP_HOLDER, firstName: 'Lucia', lastName: 'Ramirez', email },
      }),
    });
    expect(response.statusCode, response.body).toBe(201);
    return { lastName: 'Ramirez', zip: '78701', vin };
  }

  /** The emails queued for `recipient`, oldest first (two of one instant by subject, for a stable order). */
  async function emailsTo(recipient: string) {
    return server.built.database.db
      .selectFrom('holder_notifications')
      .select(['subject', 'body', 'reference'])
      .where('recipient', '=', recipient)
      .orderBy('created_at')
      .orderBy('subject')
      .execute();
  }

  /** Starts a claim (with `language` when given), uploads the addendum as the holder, and the reviewer rejects it. */
  async function claimJourney(email: string, language?: 'en' | 'es') {
    clock.set('2026-11-25T15:00:00Z');
    const facts = await gapContract(email);
    const started = await inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        ...facts,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
        ...(language ? { language } : {}),
      },
    });
    expect(started.statusCode, started.body).toBe(201);
    const claim = started.json() as {
      id: string;
      claimNumber: string;
      token: string;
      requiredDocuments: { type: string; name: string }[];
    };
    const holder = (options: InjectOptions) =>
      inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${claim.token}` } });
    clock.advance(60_000);
    // The upload sends no language: the one the claim started with is kept for the contract.
    const uploaded = await holder({
      method: 'POST',
      url: `/api/v1/gap-claims/${claim.id}/documents`,
      ...multipart({ type: 'gap_addendum' }, { name: 'addendum.pdf', bytes: PDF }),
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    // Days later, a reviewer decides (a staff request: no language of its own).
    clock.set('2026-11-27T15:00:00Z');
    const rejected = await reviewer({
      method: 'POST',
      url: `/api/v1/documents/${uploaded.json().id}/review`,
      payload: { decision: 'reject', reason: 'The addendum is not signed.' },
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    return { claim, emails: await emailsTo(email) };
  }

  let spanishClaimId = '';

  it('writes a Spanish holder every email of their GAP claim in Spanish, staff decisions included', async () => {
    const { claim, emails } = await claimJourney('lucia.es@example.com', 'es');
    spanishClaimId = claim.id;
    const n = claim.claimNumber;
    const signature = `\n\nEl número de su reclamo es ${n}. Puede seguir su reclamo en el Centro de reclamos GAP: https://coverwise.example.com/gap-claims\n\nReclamos de Coverwise`;
    // The upload's two emails share an instant: listed by subject.
    expect(emails.map((email) => email.subject)).toEqual([
      `Reclamo GAP ${n}: iniciamos su reclamo`,
      `Reclamo GAP ${n}: estamos revisando sus documentos`,
      `Reclamo GAP ${n}: recibimos su anexo GAP`,
      `Reclamo GAP ${n}: por favor, envíe de nuevo su anexo GAP`,
    ]);
    const [opened, reviewing, received, rejected] = emails.map((email) => email.body);
    expect(opened).toContain(
      'Iniciamos su reclamo GAP. Por favor, envíenos estos documentos:\n\n- Anexo GAP\n',
    );
    expect(opened).toContain('- Contrato de compraventa a plazos');
    expect(opened?.endsWith(signature)).toBe(true);
    expect(received).toBe(
      `Recibimos su anexo GAP. Revisaremos este documento a más tardar el 30 de noviembre de 2026.${signature}`,
    );
    expect(reviewing).toBe(`Estamos revisando sus documentos.\n\nRecibimos el primer documento.${signature}`);
    // The reviewer's own reason is shown as they wrote it.
    expect(rejected).toBe(
      'No pudimos aceptar su anexo GAP. El motivo: The addendum is not signed.\n\n' +
        `Por favor, suba una copia nueva en el Centro de reclamos GAP.${signature}`,
    );
    expect(emails.every((email) => email.reference === `gap_claim:${claim.id}`)).toBe(true);
  });

  it('writes a holder who sent no language in English, each email linking the GAP Claims Center', async () => {
    const { claim, emails } = await claimJourney('lucy.en@example.com');
    const n = claim.claimNumber;
    const signature = `\n\nYour claim number is ${n}. You can follow your claim in the GAP Claims Center: https://coverwise.example.com/gap-claims\n\nCoverwise Claims`;
    expect(emails.map((email) => ({ subject: email.subject, body: email.body }))).toEqual([
      {
        subject: `GAP claim ${n}: we have started your claim`,
        body: `We have started your GAP claim. Please send us these documents:\n\n${claim.requiredDocuments.map((item) => `- ${item.name}`).join('\n')}${signature}`,
      },
      {
        subject: `GAP claim ${n}: we received your GAP addendum`,
        body: `We received your GAP addendum. We will review it by the end of November 30, 2026.${signature}`,
      },
      {
        subject: `GAP claim ${n}: your documents are being reviewed`,
        body: `Your documents are being reviewed.\n\nThe first document was received.${signature}`,
      },
      {
        subject: `GAP claim ${n}: please send your GAP addendum again`,
        body: `We could not accept your GAP addendum. The reason: The addendum is not signed.\n\nPlease upload a new copy in the GAP Claims Center.${signature}`,
      },
    ]);
  });

  it('shows the Spanish holder the claim timeline codes a page translates by', async () => {
    const [row] = await server.built.database.db
      .selectFrom('contract_holder_languages')
      .select('language')
      .execute();
    expect(row?.language).toBe('es');
    const response = await admin({ url: `/api/v1/gap-claims/${spanishClaimId}` });
    const events = response.json().timeline as Record<string, unknown>[];
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'gap_claim.status_changed',
        status: 'under_review',
        reasonCode: 'first_document_received',
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        action: 'document.received',
        documentType: 'gap_addendum',
        reviewDueOn: '2026-11-30',
      }),
    );
  });

  it('sends "forgot which contract?" in the language of the request, English when none', async () => {
    clock.set('2026-11-28T15:00:00Z');
    const spanish = await inject({
      method: 'POST',
      url: '/api/v1/holder-account/forgot-contract',
      payload: { email: 'lucia.es@example.com', language: 'es' },
    });
    expect(spanish.statusCode).toBe(202);
    const english = await inject({
      method: 'POST',
      url: '/api/v1/holder-account/forgot-contract',
      payload: { email: 'lucy.en@example.com' },
    });
    expect(english.statusCode).toBe(202);
    const refused = await inject({
      method: 'POST',
      url: '/api/v1/holder-account/forgot-contract',
      payload: { email: 'lucy.en@example.com', language: 'fr' },
    });
    expect(refused.statusCode).toBe(400);

    const es = (await emailsTo('lucia.es@example.com')).at(-1)!;
    expect(es.subject).toBe('Sus contratos de Coverwise');
    expect(es.body).toMatch(
      /^Estos son los contratos registrados con este correo electrónico \(1\):\n\n- Contrato \S+ \(anexo GAP\): 2025 Ford F-150, VIN que termina en …\w{6}\n\nPara ver uno, inicie sesión/,
    );
    const en = (await emailsTo('lucy.en@example.com')).at(-1)!;
    expect(en.subject).toBe('Your Coverwise contracts');
    expect(en.body).toMatch(
      /^These are the contracts on file for this email address \(1\):\n\n- Contract \S+ \(GAP addendum\): 2025 Ford F-150, VIN ending …\w{6}\n\nTo see one, sign in/,
    );
  });
});
