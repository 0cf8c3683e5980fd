// Holder accounts as pure functions over plain data (issue 19): which contracts an account holds,
// when an emailed link expires, and the emails' wording. The service does the I/O.
import { lastNameKey } from '../contracts/contract-input.js';

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

function minutesWords(minutes: number): string {
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

export function verifyEmailMessage(link: string, linkMinutes: number): OutgoingEmail {
  const lines = (linkLine: string) =>
    [
      'You asked to create a Coverwise account with this email address.',
      '',
      'Confirm it with this link:',
      linkLine,
      '',
      `The link works once, for ${minutesWords(linkMinutes)}. If you did not ask for an account, ignore this email: nothing changes.`,
    ].join('\n');
  return {
    subject: 'Confirm your email for your Coverwise account',
    text: lines(link),
    keptText: lines('(the link is not kept here)'),
  };
}

export function signInLinkMessage(link: string, linkMinutes: number): OutgoingEmail {
  const lines = (linkLine: string) =>
    [
      'Here is your link to sign in to Coverwise:',
      linkLine,
      '',
      `The link works once, for ${minutesWords(linkMinutes)}. If you did not ask to sign in, ignore this email.`,
    ].join('\n');
  return {
    subject: 'Your Coverwise sign-in link',
    text: lines(link),
    keptText: lines('(the link is not kept here)'),
  };
}

export interface ContractSummary {
  contractNumber: string;
  product: 'vsc' | 'gap';
  vin: string;
  vehicle: string;
}

export function contractListMessage(contracts: readonly ContractSummary[]): OutgoingEmail {
  const rows = contracts.map(
    (contract) =>
      `- Contract ${contract.contractNumber} (${contract.product === 'gap' ? 'GAP addendum' : 'vehicle service contract'}): ${contract.vehicle}, VIN ending ${maskVin(contract.vin)}`,
  );
  const text = [
    `These are the contracts on file for this email address (${contracts.length}):`,
    '',
    ...rows,
    '',
    "To see one, sign in with your last name, the ZIP code on the contract and the vehicle's full VIN (on your insurance card, registration, or the dashboard by the windshield).",
  ].join('\n');
  return { subject: 'Your Coverwise contracts', text, keptText: text };
}
