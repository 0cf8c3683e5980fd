import { describe, expect, it } from 'vitest';
import { type RoadsideStatus, roadsideTransition } from './roadside-status.js';

describe('roadside request status', () => {
  it.each([
    ['requested', 'dispatched', 'staff', 'ok'],
    ['requested', 'cancelled', 'staff', 'ok'],
    ['requested', 'completed', 'staff', 'invalid_status_transition'],
    ['dispatched', 'completed', 'staff', 'ok'],
    ['dispatched', 'cancelled', 'staff', 'ok'],
    ['dispatched', 'requested', 'staff', 'invalid_status_transition'],
    ['completed', 'cancelled', 'staff', 'invalid_status_transition'],
    ['cancelled', 'dispatched', 'staff', 'invalid_status_transition'],
    ['requested', 'cancelled', 'holder', 'ok'],
    ['requested', 'dispatched', 'holder', 'forbidden'],
    ['dispatched', 'cancelled', 'holder', 'forbidden'],
    ['completed', 'cancelled', 'holder', 'invalid_status_transition'],
  ] as const)('moving %s → %s by %s answers %s', (from, to, mover, expected) => {
    const result = roadsideTransition(from as RoadsideStatus, to as RoadsideStatus, mover);
    expect(result.ok ? 'ok' : result.code).toBe(expected);
  });
});
