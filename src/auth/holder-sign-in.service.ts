// Contract holders sign in with last name + ZIP + VIN, the facts printed on their contract. Every
// wrong combination gets the same answer (401 verification_failed) so the form cannot be used to
// learn which VINs or names exist. Guessing is throttled in counters shared by all app processes:
// per VIN *and client address*, with exponential back-off (a few free tries, then waits that double),
// and per client address over all VINs. A VIN is printed on the windshield, so a count per VIN alone
// would let anyone lock its holder out; counted per address, a guesser slows only themself, and the
// holder with the right facts at another address gets in.
import { hash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findHolderFactsByVin } from '../contracts/contract.repository.js';
import {
  lastNameKey,
  normalizeCaPostalCode,
  normalizePostalCode,
  normalizeUsZip,
} from '../contracts/contract-input.js';
import { recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import {
  type AddressAttempt,
  type BackoffRule,
  createDatabaseRateLimiter,
  type RateLimiter,
  type RateLimitRule,
  refuseWhenLimited,
} from '../platform/rate-limit.js';
import { AppError } from '../shared/errors.js';
import type { AuthService, IssuedSession, NewSession } from './auth.service.js';
import {
  type HolderFactsKeys,
  type HolderSessionRow,
  signInCountingAttempt,
  signInUncounted,
  verifyHolderFactsCountingAttempt,
} from './holder-sign-in.repository.js';

export interface HolderSignInLimits {
  /** Back-off of one VIN from one client address. */
  perVinAndAddress: BackoffRule;
  /** Attempts from one client address over all VINs in a window. */
  perAddress: RateLimitRule;
}

export interface HolderFacts {
  lastName: string;
  zip: string;
  vin: string;
}

const NOT_VERIFIED = 'We could not find a contract with that last name, ZIP code and VIN.';

function bucketKey(kind: string, value: string): string {
  // Buckets hold a hash, not the VIN or address itself (one-shot `hash`: a quarter of createHash's cost).
  return `${kind}:${hash('sha256', value, 'base64url').slice(0, 32)}`;
}

export function createHolderSignInService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  auth: AuthService;
  limits: HolderSignInLimits;
  /** Where attempts are counted; by default the database, shared by every process. */
  rateLimiter?: RateLimiter;
  /** False turns the per-VIN and per-address throttle off: for benchmarks only (COVERWISE_HOLDER_THROTTLE=0). */
  throttleEnabled?: boolean;
}) {
  const { db, clock, auth, limits } = deps;
  const rateLimiter = deps.rateLimiter ?? createDatabaseRateLimiter(db);

  /**
   * Counts the attempt per address and per VIN from this address; throws 429 when either refuses.
   * With the counters in the database this is part of the facts check's statement (`verify`); with
   * counters in memory the facts are checked first (one indexed read), so a right attempt clears this
   * address's failures for the VIN in the same statement instead of a second one; it is still decided
   * under the bucket's row lock like a wrong one, so racing guesses cannot slip a right one past the
   * wait, and a refused attempt answers 429 whether its facts were right or not.
   */
  async function throttle(vin: string, clientAddress: string, verified: boolean): Promise<void> {
    if (deps.throttleEnabled === false) return;
    const outcome = await rateLimiter.attemptFromAddress(
      { ...attemptBuckets(vin, clientAddress), succeeded: verified },
      clock.now(),
    );
    refuseWhenLimited(outcome, 'sign-in attempts');
  }

  /** The address's window and the VIN's back-off from that address. */
  function attemptBuckets(vin: string, clientAddress: string): Omit<AddressAttempt, 'succeeded'> {
    return {
      address: { bucket: bucketKey('holder-ip', clientAddress), rule: limits.perAddress },
      pair: {
        bucket: bucketKey('holder-vin-ip', `${vin}\n${clientAddress}`),
        rule: limits.perVinAndAddress,
      },
    };
  }

  /** The facts as the statements compare them with a contract's. */
  function factKeys(facts: HolderFacts): HolderFactsKeys {
    const key = lastNameKey(facts.lastName);
    return {
      vin: facts.vin.trim().toUpperCase(),
      lastNameKey: key === '' ? null : key,
      usZip: normalizeUsZip(facts.zip),
      caPostalCode: normalizeCaPostalCode(facts.zip),
    };
  }

  /** The ids of the contracts these facts verify, or a 401 that is the same whichever fact is wrong. */
  async function verify(facts: HolderFacts, clientAddress: string): Promise<string[]> {
    const keys = factKeys(facts);
    if (deps.throttleEnabled !== false && rateLimiter.store === 'database') {
      // The facts checked and the attempt counted in one statement: the throttle costs no round trip.
      const { contractIds, outcome } = await verifyHolderFactsCountingAttempt(
        db,
        keys,
        attemptBuckets(keys.vin, clientAddress),
        clock.now(),
      );
      refuseWhenLimited(outcome, 'sign-in attempts');
      if (contractIds.length === 0) throw new AppError('verification_failed', NOT_VERIFIED);
      return contractIds;
    }
    const rows = await findHolderFactsByVin(db, keys.vin);
    const matching = rows.filter(
      (row) =>
        keys.lastNameKey !== null &&
        row.holder_last_name_key === keys.lastNameKey &&
        normalizePostalCode(facts.zip, row.address_state) === row.address_zip,
    );
    await throttle(keys.vin, clientAddress, matching.length > 0);
    if (matching.length === 0) throw new AppError('verification_failed', NOT_VERIFIED);
    return matching.map((row) => row.id);
  }

  /** The session of a verified sign-in, stored with its audit rows in a transaction of its own. */
  function storeSession(
    contractIds: string[],
    lastName: string,
    session: NewSession,
    requestId: string,
  ): Promise<IssuedSession & { contractIds: string[] }> {
    return transactional(db)(async (trx) => {
      const stored = await auth.issueSession(trx, { holderScope: { contractIds, lastName } }, session);
      for (const contractId of contractIds) {
        await recordAudit(trx, {
          actor: { kind: 'holder', id: stored.sessionId, label: 'contract holder' },
          action: 'holder.signed_in',
          entityType: 'contract',
          entityId: contractId,
          requestId,
        });
      }
      return { ...session.issued, contractIds };
    });
  }

  /**
   * Signs a holder in: the facts checked, the attempt counted, and the session stored with an audit row
   * per contract. A sign-in is one statement (one round trip, one commit) unless the throttle needs a
   * second look (holder-sign-in.repository.ts): with the counters in the database, the statement counts
   * the attempt too; with them in this process's memory, the attempt is counted first, as a failure of
   * the VIN's back-off that right facts then clear (as staff sign-in counts), so that racing attempts
   * cannot slip past a wait while the statement runs.
   */
  async function signIn(
    facts: HolderFacts,
    clientAddress: string,
    requestId: string,
  ): Promise<IssuedSession & { contractIds: string[] }> {
    const keys = factKeys(facts);
    const session = auth.newSession();
    const row: HolderSessionRow = {
      tokenHash: session.tokenHash,
      csrfTokenHash: session.csrfTokenHash,
      expiresAt: session.issued.expiresAt,
      lastName: facts.lastName.trim(),
      requestId,
    };
    const throttled = deps.throttleEnabled !== false;
    if (throttled && rateLimiter.store === 'database') {
      const signedIn = await signInCountingAttempt(
        db,
        keys,
        attemptBuckets(keys.vin, clientAddress),
        row,
        clock.now(),
      );
      if (signedIn.sessionId !== null) return { ...session.issued, contractIds: signedIn.contractIds };
      refuseWhenLimited(signedIn.outcome, 'sign-in attempts');
      if (signedIn.contractIds.length === 0) throw new AppError('verification_failed', NOT_VERIFIED);
      // Right facts from an address with a recent failure, and the VIN's back-off from it cleared.
      return storeSession(signedIn.contractIds, row.lastName, session, requestId);
    }
    const buckets = throttled ? attemptBuckets(keys.vin, clientAddress) : null;
    if (buckets) {
      refuseWhenLimited(
        await rateLimiter.attemptFromAddress({ ...buckets, succeeded: false }, clock.now()),
        'sign-in attempts',
      );
    }
    const signedIn = await signInUncounted(db, keys, row);
    if (signedIn.sessionId === null) throw new AppError('verification_failed', NOT_VERIFIED);
    if (buckets) await rateLimiter.clear(buckets.pair.bucket);
    return { ...session.issued, contractIds: signedIn.contractIds };
  }

  /**
   * The holder session a GAP claim start hands out: the three facts were verified for `contractIds`
   * (the VSC on the same vehicle too, as holder sign-in gives); audited on the claim's contract.
   */
  async function openSessionForClaim(
    facts: { contractIds: string[]; lastName: string; claimContractId: string },
    requestId: string,
  ) {
    return transactional(db)(async (trx) => {
      const issued = await auth.issueSession(trx, {
        holderScope: { contractIds: facts.contractIds, lastName: facts.lastName.trim() },
      });
      await recordAudit(trx, {
        actor: { kind: 'holder', id: issued.sessionId, label: 'contract holder' },
        action: 'holder.signed_in',
        entityType: 'contract',
        entityId: facts.claimContractId,
        reason: 'GAP claim start',
        requestId,
      });
      return issued;
    });
  }

  return { verify, signIn, openSessionForClaim };
}

export type HolderSignInService = ReturnType<typeof createHolderSignInService>;
