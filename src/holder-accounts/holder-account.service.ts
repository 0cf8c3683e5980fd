// Holder accounts (issue 19). A holder signed in with last name + ZIP + VIN may give an email; a link
// sent there verifies it and creates the account. Afterwards the holder signs in with a link emailed
// on request (single use, COVERWISE_HOLDER_LINK_MINUTES, only its SHA-256 stored) and sees every
// contract of theirs: those verified into the account, and those whose holder is the account's
// identity (the verified email on file with the same last name). "Forgot which contract?" emails the
// contracts on file for an address. Requests for a link or the list answer the same whether or not
// the email is known, and are throttled like holder sign-in (per address, and per email from an address).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.js';
import { hashToken } from '../auth/auth.service.js';
import { lastNameKey } from '../contracts/contract-input.js';
import { rememberContractLanguage } from '../notifications/holder-language.repository.js';
import { listNotifications } from '../notifications/notification.repository.js';
import type { Outbox } from '../notifications/outbox.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import {
  type BackoffRule,
  createDatabaseRateLimiter,
  type RateLimiter,
  type RateLimitRule,
  refuseWhenLimited,
} from '../platform/rate-limit.js';
import { AppError } from '../shared/errors.js';
import type { HolderLanguage } from '../shared/language.js';
import type { Principal } from '../shared/principal.js';
import {
  consumeEmailToken,
  contractsByIds,
  contractsWithHolderEmail,
  findAccountByEmail,
  findAccountById,
  findOrCreateAccount,
  insertEmailToken,
  linkContracts,
  linkedContractIds,
  markVerified,
  setAccountLanguage,
} from './holder-account.repository.js';
import {
  contractBelongsToAccount,
  contractListMessage,
  isEmailAddress,
  linkExpiresAt,
  normalizeEmail,
  signInLinkMessage,
  verifyEmailMessage,
} from './holder-account.rules.js';

const LINK_NOT_USABLE =
  'This link has expired or was already used. Ask for a new one: links work once, for a short time.';
const EMAIL_INVALID = 'Enter your email address, such as name@example.com.';

function bucketKey(kind: string, value: string): string {
  return `${kind}:${createHash('sha256').update(value).digest('base64url').slice(0, 32)}`;
}

export interface HolderAccountLimits {
  /** Requests for one email from one client address: free tries, then a doubling wait. */
  perEmailAndAddress: BackoffRule;
  /** Requests from one client address over all emails in a window (shared with holder sign-in). */
  perAddress: RateLimitRule;
}

export function createHolderAccountService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  auth: AuthService;
  outbox: Outbox;
  limits: HolderAccountLimits;
  /** How long an emailed link works (COVERWISE_HOLDER_LINK_MINUTES). */
  linkMinutes: number;
  /** The web app's address for the links in emails (COVERWISE_PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  rateLimiter?: RateLimiter;
  throttleEnabled?: boolean;
}) {
  const { db, clock, auth, outbox, limits, linkMinutes } = deps;
  const rateLimiter = deps.rateLimiter ?? createDatabaseRateLimiter(db);
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');

  async function throttle(email: string, clientAddress: string): Promise<void> {
    if (deps.throttleEnabled === false) return;
    // The address's window and this email's back-off from it, in one statement.
    const outcome = await rateLimiter.attemptFromAddress(
      {
        address: { bucket: bucketKey('holder-ip', clientAddress), rule: limits.perAddress },
        pair: {
          bucket: bucketKey('holder-email-ip', `${email}\n${clientAddress}`),
          rule: limits.perEmailAndAddress,
        },
        succeeded: false,
      },
      clock.now(),
    );
    refuseWhenLimited(outcome, 'requests');
  }

  function checkedEmail(input: string): string {
    if (!isEmailAddress(input)) throw new AppError('validation_failed', EMAIL_INVALID, { param: 'email' });
    return normalizeEmail(input);
  }

  function newLinkToken(): { token: string; tokenHash: string } {
    const token = `cwl_${randomBytes(32).toString('base64url')}`;
    return { token, tokenHash: hashToken(token) };
  }

  /** Uses a link once; the stored hash is compared again in constant time after the indexed lookup. */
  async function redeemLink(trx: Kysely<Database>, token: string, purpose: 'verify_email' | 'sign_in') {
    if (token.length > 200) throw new AppError('link_invalid', LINK_NOT_USABLE);
    const tokenHash = hashToken(token);
    const row = await consumeEmailToken(trx, tokenHash, purpose, clock.now());
    if (!row || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(tokenHash))) {
      throw new AppError('link_invalid', LINK_NOT_USABLE);
    }
    return row;
  }

  /** Every contract of a verified account: linked ones and those whose holder is the account's identity. */
  async function contractsOf(
    trx: Kysely<Database>,
    account: { id: string; email: string; lastNameKey: string },
  ) {
    const linked = new Set(await linkedContractIds(trx, account.id));
    const candidates = [
      ...(await contractsByIds(trx, [...linked])),
      ...(await contractsWithHolderEmail(trx, account.email)),
    ];
    const ids = new Set<string>();
    for (const contract of candidates) {
      const identity = {
        id: contract.id,
        holderEmail: contract.holder_email,
        holderLastNameKey: contract.holder_last_name_key,
      };
      if (contractBelongsToAccount(account, identity, linked)) ids.add(contract.id);
    }
    return [...ids].sort();
  }

  async function sessionFor(
    trx: Kysely<Database>,
    account: { id: string; email: string; lastName: string; lastNameKey: string },
    how: 'email_verified' | 'email_link',
    requestId: string,
  ) {
    const contractIds = await contractsOf(trx, account);
    const session = await auth.issueSession(trx, {
      holderScope: { contractIds, lastName: account.lastName, accountId: account.id },
    });
    await recordAudit(trx, {
      actor: { kind: 'holder', id: session.sessionId, label: 'contract holder' },
      action: 'holder.signed_in',
      entityType: 'holder_account',
      entityId: account.id,
      data: { method: how, contracts: contractIds.length },
      requestId,
    });
    return { ...session, contractIds };
  }

  /** A holder signed in with their contract's facts asks for an account: a link goes to the email. */
  async function startAccount(
    principal: Principal | null,
    emailInput: string,
    clientAddress: string,
    requestId: string,
    /** The holder pages' language: the email is in it, and the account remembers it. */
    language?: HolderLanguage,
  ) {
    if (principal?.kind !== 'holder')
      throw new AppError('forbidden', 'Sign in with your contract details first.');
    const email = checkedEmail(emailInput);
    await throttle(email, clientAddress);
    const { token, tokenHash } = newLinkToken();
    const expiresAt = linkExpiresAt(clock.now(), linkMinutes);
    await transactional(db)(async (trx) => {
      const account = await findOrCreateAccount(trx, {
        email,
        lastName: principal.lastName,
        lastNameKey: lastNameKey(principal.lastName),
      });
      if (language) {
        await setAccountLanguage(trx, account.id, language);
        await rememberContractLanguage(trx, principal.contractIds, language, clock.now());
      }
      await insertEmailToken(trx, {
        tokenHash,
        purpose: 'verify_email',
        accountId: account.id,
        contractIds: principal.contractIds,
        expiresAt,
      });
      const message = verifyEmailMessage(
        `${publicUrl}/my/account/verify#token=${token}`,
        linkMinutes,
        language ?? account.language ?? 'en',
      );
      await outbox.queue(trx, { to: email, ...message, reference: `holder_account:${account.id}` });
      await recordAudit(trx, {
        actor: { kind: 'holder', id: principal.sessionId, label: 'contract holder' },
        action: 'holder_account.verification_sent',
        entityType: 'holder_account',
        entityId: account.id,
        data: { contracts: principal.contractIds.length },
        requestId,
      });
    });
    return { email, expiresAt };
  }

  /** The emailed verification link: the email is verified, the contracts linked, and the holder signed in. */
  async function verifyEmail(token: string, requestId: string) {
    return transactional(db)(async (trx) => {
      const link = await redeemLink(trx, token, 'verify_email');
      const account = await findAccountById(trx, link.accountId);
      if (!account) throw new AppError('link_invalid', LINK_NOT_USABLE);
      await markVerified(trx, account.id, clock.now());
      await linkContracts(trx, account.id, link.contractIds, clock.now());
      await recordAudit(trx, {
        actor: { kind: 'holder', id: account.id, label: 'contract holder' },
        action: 'holder_account.verified',
        entityType: 'holder_account',
        entityId: account.id,
        data: { contractsLinked: link.contractIds },
        requestId,
      });
      return { ...(await sessionFor(trx, account, 'email_verified', requestId)), email: account.email };
    });
  }

  /** Sends a sign-in link when the email belongs to a verified account; the same answer either way. */
  async function requestSignInLink(
    emailInput: string,
    clientAddress: string,
    requestId: string,
    language?: HolderLanguage,
  ): Promise<void> {
    const email = checkedEmail(emailInput);
    await throttle(email, clientAddress);
    const account = await findAccountByEmail(db, email);
    if (!account?.verifiedAt) return;
    const { token, tokenHash } = newLinkToken();
    await transactional(db)(async (trx) => {
      await insertEmailToken(trx, {
        tokenHash,
        purpose: 'sign_in',
        accountId: account.id,
        contractIds: [],
        expiresAt: linkExpiresAt(clock.now(), linkMinutes),
      });
      if (language) await setAccountLanguage(trx, account.id, language);
      const message = signInLinkMessage(
        `${publicUrl}/my/account/sign-in#token=${token}`,
        linkMinutes,
        language ?? account.language ?? 'en',
      );
      await outbox.queue(trx, { to: email, ...message, reference: `holder_account:${account.id}` });
      await recordAudit(trx, {
        actor: { kind: 'anonymous', id: null, label: 'sign-in link request' },
        action: 'holder_account.sign_in_link_sent',
        entityType: 'holder_account',
        entityId: account.id,
        requestId,
      });
    });
  }

  async function signInWithLink(token: string, requestId: string) {
    return transactional(db)(async (trx) => {
      const link = await redeemLink(trx, token, 'sign_in');
      const account = await findAccountById(trx, link.accountId);
      if (!account?.verifiedAt) throw new AppError('link_invalid', LINK_NOT_USABLE);
      return { ...(await sessionFor(trx, account, 'email_link', requestId)), email: account.email };
    });
  }

  /** "Forgot which contract?": the contracts on file for the email go to that email; the same answer either way. */
  async function forgotContract(
    emailInput: string,
    clientAddress: string,
    requestId: string,
    language?: HolderLanguage,
  ): Promise<void> {
    const email = checkedEmail(emailInput);
    await throttle(email, clientAddress);
    const contracts = await contractsWithHolderEmail(db, email);
    if (contracts.length === 0) return;
    const message = contractListMessage(
      contracts.map((contract) => ({
        contractNumber: contract.contract_number,
        product: contract.product,
        vin: contract.vin,
        vehicle: `${contract.vehicle_year} ${contract.vehicle_make} ${contract.vehicle_model}`,
      })),
      // Nobody is signed in: the list is in the language of this request (the address may be anyone's).
      language ?? 'en',
    );
    await transactional(db)(async (trx) => {
      await outbox.queue(trx, { to: email, ...message, reference: `contract_list:${requestId}` });
      await recordAudit(trx, {
        actor: { kind: 'anonymous', id: null, label: 'forgot which contract' },
        action: 'holder.contract_list_sent',
        entityType: 'contract',
        entityId: contracts[0]!.id,
        data: { contracts: contracts.map((contract) => contract.id) },
        requestId,
      });
    });
  }

  function requireAccount(principal: Principal | null): { accountId: string; contractIds: string[] } {
    if (principal?.kind !== 'holder' || !principal.accountId) {
      throw new AppError('forbidden', 'Sign in to your account to see this.');
    }
    return { accountId: principal.accountId, contractIds: principal.contractIds };
  }

  /** The signed-in holder's account (null when signed in with contract facts and no account yet). */
  async function accountOf(principal: Principal | null) {
    if (principal?.kind !== 'holder') throw new AppError('forbidden', 'This is for contract holders.');
    if (!principal.accountId) return null;
    const account = await findAccountById(db, principal.accountId);
    return account ? { email: account.email, verified: account.verifiedAt !== null } : null;
  }

  /** The notification centre: emails sent to the account's address or about its contracts. */
  async function notifications(principal: Principal | null) {
    const scope = requireAccount(principal);
    const account = await findAccountById(db, scope.accountId);
    if (!account) throw new AppError('forbidden', 'Sign in to your account to see this.');
    return listNotifications(db, { recipient: account.email, contractIds: scope.contractIds, limit: 100 });
  }

  return {
    startAccount,
    verifyEmail,
    requestSignInLink,
    signInWithLink,
    forgotContract,
    accountOf,
    notifications,
  };
}

export type HolderAccountService = ReturnType<typeof createHolderAccountService>;
