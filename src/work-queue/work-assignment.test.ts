import { describe, expect, it } from 'vitest';
import type { Role } from '../platform/db/schema.js';
import { changeWords } from './my-work.service.js';
import {
  type AssignableKind,
  canAssignOthers,
  canWork,
  releaseOutcome,
  takeOutcome,
} from './work-assignment.js';

describe('work assignment rules', () => {
  it.each<[string | null, string, ReturnType<typeof takeOutcome>]>([
    [null, 'me', 'taken'],
    ['me', 'me', 'already_yours'],
    ['them', 'me', 'taken_by_someone_else'],
  ])('take with owner %s by %s → %s', (owner, user, outcome) => {
    expect(takeOutcome(owner, user)).toBe(outcome);
  });

  it.each<[string | null, string, Role, ReturnType<typeof releaseOutcome>]>([
    [null, 'me', 'reviewer', 'not_assigned'],
    ['me', 'me', 'reviewer', 'released'],
    ['them', 'me', 'reviewer', 'not_yours'],
    ['them', 'me', 'adjuster', 'released'],
    ['them', 'me', 'admin', 'released'],
  ])('release with owner %s by %s (%s) → %s', (owner, user, role, outcome) => {
    expect(releaseOutcome(owner, user, role)).toBe(outcome);
  });

  it.each<[Role, AssignableKind, boolean]>([
    ['reviewer', 'gap_document_review', true],
    ['reviewer', 'gap_claim', true],
    ['reviewer', 'repair_claim_decision', false],
    ['reviewer', 'rental_claim', false],
    ['adjuster', 'repair_claim_decision', true],
    ['admin', 'trip_interruption_claim', true],
    ['repair_facility', 'repair_claim_decision', false],
    ['dealer_user', 'gap_claim', false],
  ])('%s can work %s: %s', (role, kind, allowed) => {
    expect(canWork(role, kind)).toBe(allowed);
  });

  it.each<[Role, boolean]>([
    ['reviewer', false],
    ['adjuster', true],
    ['admin', true],
    ['repair_facility', false],
  ])('%s assigns to others: %s', (role, allowed) => {
    expect(canAssignOthers(role)).toBe(allowed);
  });

  it.each([
    ['repair_claim.information_requested', 'Information requested'],
    ['document.accepted', 'Accepted'],
    ['gap_claim.payment_proposed', 'Payment proposed'],
  ])('words for %s', (action, words) => {
    expect(changeWords(action)).toBe(words);
  });
});
