// Holder accounts as pure functions over plain data (issue 19): which contracts an account holds,
// when an emailed link expires, and the emails' wording (in the holder's language: the words are in
// src/notifications/locales). The service does the I/O.
import { lastNameKey } from '../contracts/contract-input.js';
import { emailWords } from '../notifications/email-i18n.js';
import type { HolderLanguage } from '../shared/language.js';

/** An email address as it is compared and stored: trimmed, lower case. */
export function normalizeEmail(input: string): string {
  return input.trim().toLowerCase();
}

/** A plausible email address: one @, something either side, a dot in the domain, no spaces. */
export function isEmailAddress(input: string): boolean {
  const email = input.trim();
  return email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);
}

/** The last six characters of a VIN, as every holder-facing page shows it. */
export function maskVin(vin: string): string {
  return `…${vin.slice(-6)}`;
}

/** When a link issued at `now` stops working. */
export function linkExpiresAt(now: Date, linkMinutes: number): Date {
  return new Date(now.getTime() + linkMinutes * 60_000);
}

/** Whether a link may still be used at `now`: not used before and not expired (the expiry instant is out). */
export function linkUsable(link: { expiresAt: Date; consumedAt: Date | null }, now: Date): boolean {
  return link.consumedAt === null && now.getTime() < link.expiresAt.getTime();
}

export interface AccountIdentity {
  /** The verified email, normalized. */
  email: string;
  lastNameKey: string;
}

export interface ContractIdentity {
  id: string;
  holderEmail: string | null;
  holderLastNameKey: string;
}

/**
 * Whether a contract belongs to a verified account: it was verified into the account with last name
 * + ZIP + VIN (`linked`), or its holder is the account's identity — the email on file is the
 * account's verified email AND the last name is the account's. An email alone is not enough (two
 * people of a household may share one address).
 */
export function contractBelongsToAccount(
  account: AccountIdentity,
  contract: ContractIdentity,
  linked: ReadonlySet<string>,
): boolean {
  if (linked.has(contract.id)) return true;
  if (contract.holderEmail === null || account.lastNameKey === '') return false;
  return (
    normalizeEmail(contract.holderEmail) === account.email &&
    contract.holderLastNameKey === account.lastNameKey
  );
}

/** The identity an account is created with: the email given and the last name the holder signed in with. */
export function accountIdentity(email: string, lastName: string): AccountIdentity {
  return { email: normalizeEmail(email), lastNameKey: lastNameKey(lastName) };
}

export interface OutgoingEmail {
  subject: string;
  text: string;
  /** What the notification centre keeps (the link is a secret and is not kept). */
  keptText: string;
}

export function verifyEmailMessage(
  link: string,
  linkMinutes: number,
  language: HolderLanguage = 'en',
): OutgoingEmail {
  const t = emailWords(language);
  const lines = (linkLine: string) =>
    [
      t('account.verify.asked'),
      '',
      t('account.verify.confirm'),
      linkLine,
      '',
      t('account.verify.works', { minutes: t('account.minutes', { count: linkMinutes }) }),
    ].join('\n');
  return {
    subject: t('account.verify.subject'),
    text: lines(link),
    keptText: lines(t('account.linkNotKept')),
  };
}

export function signInLinkMessage(
  link: string,
  linkMinutes: number,
  language: HolderLanguage = 'en',
): OutgoingEmail {
  const t = emailWords(language);
  const lines = (linkLine: string) =>
    [
      t('account.signIn.here'),
      linkLine,
      '',
      t('account.signIn.works', { minutes: t('account.minutes', { count: linkMinutes }) }),
    ].join('\n');
  return {
    subject: t('account.signIn.subject'),
    text: lines(link),
    keptText: lines(t('account.linkNotKept')),
  };
}

export interface ContractSummary {
  contractNumber: string;
  product: 'vsc' | 'gap';
  vin: string;
  vehicle: string;
}

export function contractListMessage(
  contracts: readonly ContractSummary[],
  language: HolderLanguage = 'en',
): OutgoingEmail {
  const t = emailWords(language);
  const rows = contracts.map((contract) =>
    t('account.contracts.row', {
      number: contract.contractNumber,
      product: t(`account.contracts.product.${contract.product}`),
      vehicle: contract.vehicle,
      vin: maskVin(contract.vin),
    }),
  );
  const text = [
    t('account.contracts.intro', { count: contracts.length }),
    '',
    ...rows,
    '',
    t('account.contracts.howToSee'),
  ].join('\n');
  return { subject: t('account.contracts.subject'), text, keptText: text };
}
