import { describe, expect, it } from 'vitest';
import { claimAt, claimValues, parseRoleMap, roleFromClaim, safeReturnPath } from './oidc-roles.js';

describe('parseRoleMap', () => {
  it('reads claim-value:role pairs', () => {
    const parsed = parseRoleMap(' coverwise-admin:admin , claims:adjuster,docs:reviewer,');
    expect('map' in parsed && [...parsed.map]).toEqual([
      ['coverwise-admin', 'admin'],
      ['claims', 'adjuster'],
      ['docs', 'reviewer'],
    ]);
  });

  it('keeps a colon inside the claim value (URIs as group names)', () => {
    const parsed = parseRoleMap('urn:corp:groups:admins:admin');
    expect('map' in parsed && parsed.map.get('urn:corp:groups:admins')).toBe('admin');
  });

  it.each([
    ['', 'must map at least one claim value to a role'],
    ['admins', 'each entry must be claim-value:role, got "admins"'],
    ['admins:', 'each entry must be claim-value:role, got "admins:"'],
    [
      'shops:repair_facility',
      '"repair_facility" is not a role single sign-on may give (admin, adjuster, reviewer)',
    ],
    ['x:superuser', '"superuser" is not a role single sign-on may give (admin, adjuster, reviewer)'],
    ['x:admin,x:reviewer', '"x" is mapped to two roles'],
  ])('refuses %j: %s', (text, error) => {
    expect(parseRoleMap(text)).toEqual({ error });
  });
});

describe('roleFromClaim', () => {
  const parsed = parseRoleMap('coverwise-admin:admin,claims:adjuster,docs:reviewer');
  const map = 'map' in parsed ? parsed.map : new Map();
  it.each([
    [['staff', 'claims'], 'adjuster'],
    [['docs', 'coverwise-admin', 'claims'], 'admin'],
    ['docs claims', 'adjuster'],
    ['docs', 'reviewer'],
    [['marketing'], null],
    [[], null],
    [undefined, null],
    [42, null],
    [{ claims: true }, null],
  ])('%j → %s', (claim, role) => {
    expect(roleFromClaim(claim, map)).toBe(role);
  });

  it('reads values from strings and lists only', () => {
    expect(claimValues(['a', 1, 'b', null])).toEqual(['a', 'b']);
    expect(claimValues('a, b  c')).toEqual(['a', 'b', 'c']);
  });
});

describe('claimAt', () => {
  it('finds a claim by name or by a dotted path', () => {
    const claims = { groups: ['a'], realm_access: { roles: ['b'] }, 'https://x/roles': ['c'] };
    expect(claimAt(claims, 'groups')).toEqual(['a']);
    expect(claimAt(claims, 'realm_access.roles')).toEqual(['b']);
    expect(claimAt(claims, 'https://x/roles')).toEqual(['c']);
    expect(claimAt(claims, 'missing.path')).toBeUndefined();
  });
});

describe('safeReturnPath', () => {
  it.each([
    ['/staff/dashboard', '/staff/dashboard'],
    ['/staff', '/staff'],
    ['/staff/contracts?q=DEMO', '/staff/contracts?q=DEMO'],
    ['//evil.example/staff', '/staff'],
    ['https://evil.example/staff', '/staff'],
    ['/my', '/staff'],
    [undefined, '/staff'],
  ])('%j → %s', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });
});
