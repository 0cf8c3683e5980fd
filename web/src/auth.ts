import { ApiError, api } from './api.js';

// Sessions: staff sign in with email and password; contract holders prove who they are with last
// name, ZIP code and VIN. Both answers set the same session cookie, and /auth/me says which kind it is.

export type StaffRole = 'admin' | 'adjuster' | 'reviewer' | 'repair_facility' | 'dealer_user';

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
};

/** A role the app does not know yet (a newer server) is shown as sent rather than hidden. */
export function staffRoleLabel(role: string): string {
  return Object.hasOwn(staffRoleLabels, role) ? staffRoleLabels[role as StaffRole] : role;
}

export async function signIn(email: string, password: string): Promise<StaffUser> {
  const answer = await api.post<{ token: string; user: StaffUser }>('/auth/login', { email, password });
  return answer.user;
}

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
