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
import type { AuthService } from './auth.service.js';
import { verifyHolderFactsCountingAttempt } from './holder-sign-in.repository.js';

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

  /** The ids of the contracts these facts verify, or a 401 that is the same whichever fact is wrong. */
  async function verify(facts: HolderFacts, clientAddress: string): Promise<string[]> {
    const vin = facts.vin.trim().toUpperCase();
    const key = lastNameKey(facts.lastName);
    if (deps.throttleEnabled !== false && rateLimiter.store === 'database') {
      // The facts checked and the attempt counted in one statement: the throttle costs no round trip.
      const { contractIds, outcome } = await verifyHolderFactsCountingAttempt(
        db,
        {
          vin,
          lastNameKey: key === '' ? null : key,
          usZip: normalizeUsZip(facts.zip),
          caPostalCode: normalizeCaPostalCode(facts.zip),
        },
        attemptBuckets(vin, clientAddress),
        clock.now(),
      );
      refuseWhenLimited(outcome, 'sign-in attempts');
      if (contractIds.length === 0) throw new AppError('verification_failed', NOT_VERIFIED);
      return contractIds;
    }
    const rows = await findHolderFactsByVin(db, vin);
    const matching = rows.filter(
      (row) =>
        key !== '' &&
        row.holder_last_name_key === key &&
        normalizePostalCode(facts.zip, row.address_state) === row.address_zip,
    );
    await throttle(vin, clientAddress, matching.length > 0);
    if (matching.length === 0) throw new AppError('verification_failed', NOT_VERIFIED);
    return matching.map((row) => row.id);
  }

  async function signIn(facts: HolderFacts, clientAddress: string, requestId: string) {
    const contractIds = await verify(facts, clientAddress);
    return transactional(db)(async (trx) => {
      const session = await auth.issueSession(trx, {
        holderScope: { contractIds, lastName: facts.lastName.trim() },
      });
      for (const contractId of contractIds) {
        await recordAudit(trx, {
          actor: { kind: 'holder', id: session.sessionId, label: 'contract holder' },
          action: 'holder.signed_in',
          entityType: 'contract',
          entityId: contractId,
          requestId,
        });
      }
      return { ...session, contractIds };
    });
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
