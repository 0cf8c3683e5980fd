import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contractBelongsToAccount,
  contractListMessage,
  isEmailAddress,
  linkExpiresAt,
  linkUsable,
  maskVin,
  normalizeEmail,
  signInLinkMessage,
  verifyEmailMessage,
} from './holder-account.rules.js';

const account = { email: 'sofia@example.com', lastNameKey: 'schmidt' };

describe('contractBelongsToAccount', () => {
  const cases: {
    name: string;
    contract: { id: string; holderEmail: string | null; holderLastNameKey: string };
    linked: string[];
    expected: boolean;
  }[] = [
    {
      name: 'verified into the account with its facts',
      contract: { id: 'c1', holderEmail: null, holderLastNameKey: 'other' },
      linked: ['c1'],
      expected: true,
    },
    {
      name: 'same email on file and same last name (another vehicle)',
      contract: { id: 'c2', holderEmail: 'Sofia@Example.com ', holderLastNameKey: 'schmidt' },
      linked: [],
      expected: true,
    },
    {
      name: 'same email, another last name (a household sharing an address)',
      contract: { id: 'c3', holderEmail: 'sofia@example.com', holderLastNameKey: 'garcia' },
      linked: [],
      expected: false,
    },
    {
      name: 'same last name, another email',
      contract: { id: 'c4', holderEmail: 'someone@example.com', holderLastNameKey: 'schmidt' },
      linked: [],
      expected: false,
    },
    {
      name: 'no email on file',
      contract: { id: 'c5', holderEmail: null, holderLastNameKey: 'schmidt' },
      linked: [],
      expected: false,
    },
  ];
  it.each(cases)('$name → $expected', ({ contract, linked, expected }) => {
    expect(contractBelongsToAccount(account, contract, new Set(linked))).toBe(expected);
  });

  it('never matches by email when the account has no last name', () => {
    const contract = { id: 'c', holderEmail: 'sofia@example.com', holderLastNameKey: '' };
    expect(contractBelongsToAccount({ ...account, lastNameKey: '' }, contract, new Set())).toBe(false);
  });
});

describe('emailed links', () => {
  it('expire after the configured minutes and work once', () => {
    const issued = new Date('2026-11-25T15:00:00Z');
    const expiresAt = linkExpiresAt(issued, 15);
    expect(expiresAt.toISOString()).toBe('2026-11-25T15:15:00.000Z');
    const cases: [Date, Date | null, boolean][] = [
      [new Date('2026-11-25T15:14:59Z'), null, true],
      [new Date('2026-11-25T15:15:00Z'), null, false],
      [new Date('2026-11-25T15:01:00Z'), new Date('2026-11-25T15:00:30Z'), false],
    ];
    for (const [now, consumedAt, usable] of cases)
      expect(linkUsable({ expiresAt, consumedAt }, now)).toBe(usable);
  });

  it('keep the link out of what the notification centre stores', () => {
    for (const message of [
      verifyEmailMessage('https://x.example/my/account/verify#token=cwl_secret', 15),
      signInLinkMessage('https://x.example/my/account/sign-in#token=cwl_secret', 15),
    ]) {
      expect(message.text).toContain('cwl_secret');
      expect(message.text).toContain('15 minutes');
      expect(message.keptText).not.toContain('cwl_secret');
    }
  });

  it('are written in Spanish for a Spanish holder, the link kept out just the same', () => {
    const verify = verifyEmailMessage('https://x.example/my/account/verify#token=cwl_secret', 15, 'es');
    expect(verify.subject).toBe('Confirme su correo electrónico para su cuenta de Coverwise');
    expect(verify.text).toContain('El enlace funciona una sola vez, durante 15 minutos.');
    const signIn = signInLinkMessage('https://x.example/my/account/sign-in#token=cwl_secret', 1, 'es');
    expect(signIn.subject).toBe('Su enlace para iniciar sesión en Coverwise');
    expect(signIn.text).toContain('durante 1 minuto.');
    expect(signInLinkMessage('https://x.example/', 1).text).toContain('for 1 minute.');
    for (const message of [verify, signIn]) {
      expect(message.text).toContain('cwl_secret');
      expect(message.keptText).not.toContain('cwl_secret');
      expect(message.keptText).toContain('(el enlace no se guarda aquí)');
    }
  });
});

describe('the contract list email', () => {
  it('shows contract numbers and masked VINs, never a whole VIN', () => {
    const vin = '1FTEW1EP5KFA12345';
    const message = contractListMessage([
      { contractNumber: 'DEMO-000005', product: 'vsc', vin, vehicle: '2025 Ford F-150' },
      { contractNumber: 'DEMO-000006', product: 'gap', vin, vehicle: '2025 Ford F-150' },
    ]);
    expect(message.text).toContain('Contract DEMO-000005 (vehicle service contract)');
    expect(message.text).toContain('Contract DEMO-000006 (GAP addendum)');
    expect(message.text).toContain('VIN ending …A12345');
    expect(message.text).not.toContain(vin);
  });

  it('masks every VIN to its last six characters (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 7, maxLength: 17 }), (vin) => {
        const masked = maskVin(vin);
        expect(masked).toBe(`…${vin.slice(-6)}`);
        expect(masked.length).toBe(7);
      }),
    );
  });
});

describe('email addresses', () => {
  it.each([
    ['name@example.com', true],
    [' name@example.com ', true],
    ['name@example', false],
    ['name example.com', false],
    ['@example.com', false],
    ['', false],
  ])('%j → %s', (input, expected) => {
    expect(isEmailAddress(input)).toBe(expected);
  });

  it('compares trimmed and in lower case', () => {
    expect(normalizeEmail('  Sofia.5@Example.COM ')).toBe('sofia.5@example.com');
  });
});
