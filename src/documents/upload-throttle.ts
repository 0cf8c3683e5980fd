// Uploads are throttled per claim (or transfer) and per client address: each one writes a file to the
// document store, so an unthrottled caller could fill the disk. Every upload counts, accepted or not,
// in the same shared counters as the sign-in throttles (the database on a server, this process on the
// embedded database).
import { createHash } from 'node:crypto';
import type { Clock } from '../platform/clock.js';
import type { RateLimiter, RateLimitRule } from '../platform/rate-limit.js';
import { AppError } from '../shared/errors.js';

export interface UploadLimits {
  /** Uploads to one claim or transfer in a window. */
  perOwner: RateLimitRule;
  /** Uploads from one client address in a window. */
  perAddress: RateLimitRule;
}

/** Counts an upload to `ownerId` from `clientAddress`; throws 429 too_many_attempts when over a limit. */
export type UploadThrottle = (ownerId: string, clientAddress: string) => Promise<void>;

export function createUploadThrottle(deps: {
  rateLimiter: RateLimiter;
  clock: Clock;
  limits: UploadLimits;
}): UploadThrottle {
  return async (ownerId, clientAddress) => {
    const outcomes = await deps.rateLimiter.hit(
      [
        { bucket: `upload-owner:${ownerId}`, rule: deps.limits.perOwner },
        {
          // Buckets hold a hash, not the address itself.
          bucket: `upload-ip:${createHash('sha256').update(clientAddress).digest('base64url').slice(0, 32)}`,
          rule: deps.limits.perAddress,
        },
      ],
      deps.clock.now(),
    );
    const refused = outcomes.filter((outcome) => !outcome.allowed);
    if (refused.length === 0) return;
    const retryAfter = Math.max(...refused.map((outcome) => outcome.retryAfterSeconds));
    throw new AppError(
      'too_many_attempts',
      `Too many uploads. Try again in ${Math.ceil(retryAfter / 60)} minute(s).`,
      { retryAfterSeconds: retryAfter },
    );
  };
}
