import { ApiError, api } from './api.js';

// Sessions: staff sign in with email and password; contract holders prove who they are with last
// name, ZIP code and VIN. Both answers set the same session cookie, and /auth/me says which kind it is.

export type StaffRole = 'admin' | 'adjuster' | 'reviewer' | 'repair_facility' | 'dealer_user' | 'lender';

export interface StaffUser {
  id: string;
  email: string;
  role: StaffRole;
  displayName: string;
  /** The dealer of a dealer_user. */
  dealerId?: string;
}

export const staffRoleLabels: Record<StaffRole, string> = {
  admin: 'Administrator',
  adjuster: 'Claims adjuster',
  reviewer: 'Document reviewer',
  repair_facility: 'Repair facility',
  dealer_user: 'Dealer (F&I)',
  lender: 'Lender',
};

/** A role the app does not know yet (a newer server) is shown as sent rather than hidden. */
export function staffRoleLabel(role: string): string {
  return Object.hasOwn(staffRoleLabels, role) ? staffRoleLabels[role as StaffRole] : role;
}

/** A password sign-in answers the user, or, when two-step sign-in is on, a challenge for the code. */
export type SignInAnswer = { user: StaffUser } | { challengeToken: string };

export async function signIn(email: string, password: string): Promise<SignInAnswer> {
  const answer = await api.post<{ user?: StaffUser; mfaRequired?: boolean; challengeToken?: string }>(
    '/auth/login',
    { email, password },
  );
  if (answer.mfaRequired && answer.challengeToken) return { challengeToken: answer.challengeToken };
  return { user: answer.user as StaffUser };
}

/** The second step: the code of the authenticator app, or a recovery code. */
export async function completeMfaSignIn(challengeToken: string, code: string): Promise<StaffUser> {
  const answer = await api.post<{ user: StaffUser }>('/auth/login/mfa', { challengeToken, code });
  return answer.user;
}

export interface MfaStatus {
  enabled: boolean;
  pendingEnrolment: boolean;
  recoveryCodesLeft: number;
  required: boolean;
}

export const mfaApi = {
  status: () => api.get<MfaStatus>('/auth/mfa'),
  start: (password: string) => api.post<{ secret: string; uri: string }>('/auth/mfa/enrolment', { password }),
  confirm: (code: string) => api.post<{ recoveryCodes: string[] }>('/auth/mfa/enrolment/confirm', { code }),
  disable: (code: string) => api.post<null>('/auth/mfa/disable', { code }),
};

/** A contract holder's session: the contracts the three facts matched. */
export interface HolderIdentity {
  contractIds: string[];
  lastName: string;
}

export interface HolderVerification {
  lastName: string;
  zip: string;
  vin: string;
}

export type Principal = { kind: 'staff'; user: StaffUser } | { kind: 'holder'; holder: HolderIdentity };

export async function holderSignIn(facts: HolderVerification): Promise<HolderIdentity> {
  const answer = await api.post<{ token: string; contractIds: string[] }>('/auth/holder-login', facts);
  return { contractIds: answer.contractIds, lastName: facts.lastName };
}

/** Who is signed in (a staff user or a contract holder), or null when there is no valid session. */
export async function fetchCurrentPrincipal(signal?: AbortSignal): Promise<Principal | null> {
  try {
    const answer = await api.get<{ user?: StaffUser; holder?: HolderIdentity }>('/auth/me', { signal });
    if (answer.user) return { kind: 'staff', user: answer.user };
    if (answer.holder) return { kind: 'holder', holder: answer.holder };
    return null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signOut(): Promise<void> {
  try {
    await api.post<void>('/auth/logout');
  } catch (error) {
    // An expired session is already the state the user asked for.
    if (error instanceof ApiError && error.status === 401) return;
    throw error;
  }
}
