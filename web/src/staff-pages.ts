import type { StaffRole } from './auth.js';

// The staff pages of the main menu and the roles that can open each: the menu shows a role only the
// pages it can work in, so nobody follows a link to "Not available to your role" or to a search the
// server refuses. Each page's own gate (StaffOnly) names the same roles.

export interface StaffPage {
  label: string;
  href: string;
  roles: readonly StaffRole[];
}

export const staffPages: readonly StaffPage[] = [
  { label: 'Staff home', href: '/staff', roles: ['admin', 'adjuster', 'reviewer', 'repair_facility'] },
  { label: 'Repair claims', href: '/shop', roles: ['repair_facility'] },
  { label: 'Claim queue', href: '/adjuster/claims', roles: ['adjuster', 'admin'] },
  { label: 'Work queue', href: '/staff/reviews', roles: ['reviewer', 'adjuster'] },
  { label: 'GAP claims', href: '/staff/gap-claims', roles: ['adjuster', 'reviewer', 'admin'] },
  { label: 'Contracts', href: '/staff/contracts', roles: ['admin', 'adjuster', 'reviewer'] },
  { label: 'Dashboard', href: '/staff/dashboard', roles: ['admin', 'adjuster', 'reviewer'] },
  { label: 'Dealers', href: '/admin/dealers', roles: ['admin'] },
  { label: 'Import', href: '/admin/import', roles: ['admin'] },
  { label: 'Catalog', href: '/admin/catalog', roles: ['admin'] },
  { label: 'What-if', href: '/admin/what-if', roles: ['admin'] },
  { label: 'Books', href: '/admin/trial-balance', roles: ['admin'] },
  { label: 'Month-end', href: '/admin/month-end', roles: ['admin'] },
  { label: 'Lender refunds', href: '/lender/refunds', roles: ['admin', 'lender'] },
  { label: 'Payment runs', href: '/admin/payment-runs', roles: ['admin'] },
  { label: 'Funding reconciliation', href: '/admin/funding', roles: ['admin', 'lender'] },
];

export function staffPagesFor(role: StaffRole): StaffPage[] {
  return staffPages.filter((page) => page.roles.includes(role));
}
