import { type ApiBody, ApiError, type ApiResponse, type ApiSchema, apiClient } from './api.js';

// Sessions: staff sign in with email and password; contract holders prove who they are with last
// name, ZIP code and VIN. Both answers set the same session cookie, and /auth/me says which kind it is.

/** A signed-in staff user (dealerId: the dealer of a dealer_user). */
export type StaffUser = ApiSchema<'SessionUser'>;
export type StaffRole = StaffUser['role'];

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
  const answer = await apiClient.POST('/auth/login', { body: { email, password } });
  if ('challengeToken' in answer) return { challengeToken: answer.challengeToken };
  return { user: answer.user };
}

/** The second step: the code of the authenticator app, or a recovery code. */
export async function completeMfaSignIn(challengeToken: string, code: string): Promise<StaffUser> {
  const answer = await apiClient.POST('/auth/login/mfa', { body: { challengeToken, code } });
  return answer.user;
}

export type MfaStatus = ApiResponse<'get', '/auth/mfa'>;

export const mfaApi = {
  start: (password: string) => apiClient.POST('/auth/mfa/enrolment', { body: { password } }),
  confirm: (code: string) => apiClient.POST('/auth/mfa/enrolment/confirm', { body: { code } }),
  disable: (code: string) => apiClient.POST('/auth/mfa/disable', { body: { code } }),
};

/** A contract holder's session: the contracts the three facts matched. */
export type HolderIdentity = NonNullable<ApiResponse<'get', '/auth/me'>['holder']>;

export type HolderVerification = ApiBody<'post', '/auth/holder-login'>;

export type Principal = { kind: 'staff'; user: StaffUser } | { kind: 'holder'; holder: HolderIdentity };

export async function holderSignIn(facts: HolderVerification): Promise<HolderIdentity> {
  const answer = await apiClient.POST('/auth/holder-login', { body: facts });
  return { contractIds: answer.contractIds, lastName: facts.lastName };
}

/** Who is signed in (a staff user or a contract holder), or null when there is no valid session. */
export async function fetchCurrentPrincipal(signal?: AbortSignal): Promise<Principal | null> {
  try {
    const answer = await apiClient.GET('/auth/me', { signal });
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
    await apiClient.POST('/auth/logout');
  } catch (error) {
    // An expired session is already the state the user asked for.
    if (error instanceof ApiError && error.status === 401) return;
    throw error;
  }
}
