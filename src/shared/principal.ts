// Who is asking: a staff user, a dealer's API key or a contract holder. Services decide what each
// may see and do from it; the HTTP edge (src/platform/http/principal.ts) resolves it from a session.
// Staff sign in with email and password; contract holders sign in with
// last name + ZIP + VIN and see only their own contracts.
import type { Role } from './roles.js';

export type Principal =
  | {
      kind: 'user';
      sessionId: string;
      userId: string;
      email: string;
      role: Role;
      displayName: string;
      /** The repair facility of a `repair_facility` user; absent for other roles. */
      facilityId?: string | null;
      /** The dealer of a `dealer_user`; absent for other roles. */
      dealerId?: string | null;
      /** COVERWISE_REQUIRE_MFA: this session may only enrol in two-step sign-in (and sign out). */
      mfaEnrolmentOnly?: true;
      /** The lienholder of a `lender` user (migration 0026); absent for other roles. */
      lienholderName?: string | null;
    }
  | {
      /** A dealer's F&I system calling with one of the dealer's API keys (role `dealer`). */
      kind: 'dealer';
      /** The API key's id (keys have no sessions; this names the key in logs and audits). */
      sessionId: string;
      keyId: string;
      keyPrefix: string;
      dealerId: string;
      dealerCode: string;
      dealerName: string;
    }
  | {
      kind: 'holder';
      sessionId: string;
      contractIds: string[];
      lastName: string;
      /** Signed in to a holder account (issue 19) rather than with one contract's facts. */
      accountId?: string;
    };

/** The role a route's access list is checked against. */
export function roleOf(principal: Principal): Role | 'holder' | 'dealer' {
  return principal.kind === 'user' ? principal.role : principal.kind;
}

/** The dealer a principal acts for: a dealer API key's or a dealer user's; null for everyone else. */
export function dealerIdOf(principal: Principal | null): string | null {
  if (!principal) return null;
  if (principal.kind === 'dealer') return principal.dealerId;
  if (principal.kind === 'user' && principal.role === 'dealer_user') return principal.dealerId ?? null;
  return null;
}

export interface AuthenticatedSession {
  principal: Principal;
  csrfTokenHash: string;
}

/** The actor written to the audit trail for a principal. */
export function actorOf(principal: Principal | null): {
  kind: 'user' | 'holder' | 'anonymous' | 'dealer_key';
  id: string | null;
  label: string;
} {
  if (!principal) return { kind: 'anonymous', id: null, label: 'anonymous' };
  if (principal.kind === 'user') return { kind: 'user', id: principal.userId, label: principal.email };
  if (principal.kind === 'dealer')
    return {
      kind: 'dealer_key',
      id: principal.keyId,
      label: `dealer ${principal.dealerCode} key ${principal.keyPrefix}…`,
    };
  return { kind: 'holder', id: principal.sessionId, label: 'contract holder' };
}

/** How a dealer API key begins (`cwk_…`): the bearer token of the `dealer` principal. */
export const DEALER_KEY_PREFIX = 'cwk_';
