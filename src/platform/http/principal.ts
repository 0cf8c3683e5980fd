// Who is making a request. Staff sign in with email and password; contract holders sign in with
// last name + ZIP + VIN and see only their own contracts.
import type { Role } from '../db/schema.js';

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
      /** COVERWISE_REQUIRE_MFA: this session may only enrol in two-step sign-in (and sign out). */
      mfaEnrolmentOnly?: true;
    }
  | {
      kind: 'holder';
      sessionId: string;
      contractIds: string[];
      lastName: string;
    };

/** Who may call a route: everyone, any signed-in principal, or the listed roles ('holder' = a signed-in holder). */
export type Access = 'public' | 'signed_in' | readonly (Role | 'holder')[];

export interface AuthenticatedSession {
  principal: Principal;
  csrfTokenHash: string;
}

/** Resolves a session token (bearer or cookie) to its principal, or null when unknown, expired or revoked. */
export type Authenticator = (token: string) => Promise<AuthenticatedSession | null>;

/** The actor written to the audit trail for a principal. */
export function actorOf(principal: Principal | null): {
  kind: 'user' | 'holder' | 'anonymous';
  id: string | null;
  label: string;
} {
  if (!principal) return { kind: 'anonymous', id: null, label: 'anonymous' };
  if (principal.kind === 'user') return { kind: 'user', id: principal.userId, label: principal.email };
  return { kind: 'holder', id: principal.sessionId, label: 'contract holder' };
}
