// The staff and partner roles a user account has (holders and dealer API keys are principals of their
// own kinds, not roles). Stored in users.role; the database checks the same list.
export type Role = 'admin' | 'adjuster' | 'reviewer' | 'repair_facility' | 'dealer_user' | 'lender';
export const ROLES: readonly Role[] = [
  'admin',
  'adjuster',
  'reviewer',
  'repair_facility',
  'dealer_user',
  'lender',
];
