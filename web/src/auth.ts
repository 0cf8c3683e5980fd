import { ApiError, api } from './api.js';

// Staff sessions: sign-in with email and password answers the user and sets the session cookie.

export type StaffRole = 'admin' | 'adjuster' | 'reviewer' | 'repair_facility';

export interface StaffUser {
  id: string;
  email: string;
  role: StaffRole;
  displayName: string;
}

export const staffRoleLabels: Record<StaffRole, string> = {
  admin: 'Administrator',
  adjuster: 'Claims adjuster',
  reviewer: 'Document reviewer',
  repair_facility: 'Repair facility',
};

/** A role the app does not know yet (a newer server) is shown as sent rather than hidden. */
export function staffRoleLabel(role: string): string {
  return Object.hasOwn(staffRoleLabels, role) ? staffRoleLabels[role as StaffRole] : role;
}

export async function signIn(email: string, password: string): Promise<StaffUser> {
  const answer = await api.post<{ token: string; user: StaffUser }>('/auth/login', { email, password });
  return answer.user;
}

/** The signed-in user, or null when there is no valid session. */
export async function fetchCurrentUser(signal?: AbortSignal): Promise<StaffUser | null> {
  try {
    const answer = await api.get<{ user: StaffUser }>('/auth/me', { signal });
    return answer.user;
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
