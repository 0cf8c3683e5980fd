// Who may own which work (pure rules over plain data). A work item is named by its kind and id as the
// work queue gives them out; each kind names the staff roles that can open and work it, and a role sees
// (and takes) only those. Taking is for whoever can work the item; assigning it to someone else is for
// adjusters and administrators; releasing is for its owner and for adjusters and administrators.
import type { Role } from '../platform/db/schema.js';

export const ASSIGNABLE_KINDS = [
  'repair_claim_decision',
  'gap_document_review',
  'gap_claim',
  'rental_claim',
  'trip_interruption_claim',
] as const;
export type AssignableKind = (typeof ASSIGNABLE_KINDS)[number];

/** The roles that can open and work each kind of item (the same roles its pages and endpoints admit). */
export const KIND_ROLES: Record<AssignableKind, readonly Role[]> = {
  repair_claim_decision: ['adjuster', 'admin'],
  gap_document_review: ['reviewer', 'adjuster', 'admin'],
  gap_claim: ['reviewer', 'adjuster', 'admin'],
  rental_claim: ['adjuster', 'admin'],
  trip_interruption_claim: ['adjuster', 'admin'],
};

/** The entity the audit trail files an assignment under, and where the item is worked in the web app. */
export const KIND_ENTITY: Record<AssignableKind, { entityType: string; href: (id: string) => string }> = {
  repair_claim_decision: { entityType: 'repair_claim', href: (id) => `/adjuster/claims/${id}` },
  gap_document_review: { entityType: 'document', href: (id) => `/staff/reviews/${id}` },
  gap_claim: { entityType: 'gap_claim', href: (id) => `/staff/gap-claims/${id}` },
  rental_claim: { entityType: 'rental_claim', href: (id) => `/staff/rental-claims/${id}` },
  trip_interruption_claim: {
    entityType: 'trip_interruption_claim',
    href: (id) => `/staff/trip-interruption-claims/${id}`,
  },
};

/** How many items one question about owners may name (a page of a list). */
export const MAX_OWNER_IDS = 100;

export function isAssignableKind(kind: string): kind is AssignableKind {
  return (ASSIGNABLE_KINDS as readonly string[]).includes(kind);
}

export function canWork(role: Role, kind: AssignableKind): boolean {
  return KIND_ROLES[kind].includes(role);
}

/** Assigning work to another person is a lead's decision. */
export function canAssignOthers(role: Role): boolean {
  return role === 'adjuster' || role === 'admin';
}

export type TakeOutcome = 'taken' | 'already_yours' | 'taken_by_someone_else';

/** What taking an item does, given who owns it now (null = nobody). */
export function takeOutcome(currentOwnerId: string | null, userId: string): TakeOutcome {
  if (currentOwnerId === null) return 'taken';
  return currentOwnerId === userId ? 'already_yours' : 'taken_by_someone_else';
}

export type ReleaseOutcome = 'released' | 'not_assigned' | 'not_yours';

/** What releasing an item does: its owner and leads may release it; releasing nothing changes nothing. */
export function releaseOutcome(currentOwnerId: string | null, userId: string, role: Role): ReleaseOutcome {
  if (currentOwnerId === null) return 'not_assigned';
  if (currentOwnerId === userId || canAssignOthers(role)) return 'released';
  return 'not_yours';
}
