// Staff single sign-on (issue 20): the Coverwise role of a person is read from a claim of their
// OpenID Connect identity through a configured map (COVERWISE_OIDC_ROLE_MAP, e.g.
// `coverwise-admin:admin,claims-team:adjuster`). Pure functions over plain data.
import type { Role } from '../platform/db/schema.js';

/**
 * Roles single sign-on may give. A repair-facility or dealer user belongs to a facility or dealer the
 * identity provider knows nothing about, so those users keep signing in with a password.
 */
export const SSO_ROLES = ['admin', 'adjuster', 'reviewer'] as const satisfies readonly Role[];
export type SsoRole = (typeof SSO_ROLES)[number];

/** When one person's claim maps to several roles, the one with the most rights wins. */
const PRECEDENCE: Record<SsoRole, number> = { admin: 3, adjuster: 2, reviewer: 1 };

export type RoleMap = ReadonlyMap<string, SsoRole>;

/** Parses `group:role,group:role`; answers the map or the sentence that says what is wrong. */
export function parseRoleMap(text: string): { map: RoleMap } | { error: string } {
  const map = new Map<string, SsoRole>();
  for (const rawEntry of text.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') continue;
    const at = entry.lastIndexOf(':');
    if (at <= 0 || at === entry.length - 1) {
      return { error: `each entry must be claim-value:role, got "${entry}"` };
    }
    const value = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (!(SSO_ROLES as readonly string[]).includes(role)) {
      return { error: `"${role}" is not a role single sign-on may give (${SSO_ROLES.join(', ')})` };
    }
    if (map.has(value) && map.get(value) !== role) {
      return { error: `"${value}" is mapped to two roles` };
    }
    map.set(value, role as SsoRole);
  }
  if (map.size === 0) return { error: 'must map at least one claim value to a role' };
  return { map };
}

/** The values of a claim: a string, a list of strings, or (for a space-separated string) its words. */
export function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(/[\s,]+/).filter((value) => value !== '');
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === 'string');
  return [];
}

/** The role the claim maps to (the one with the most rights when several do), or null when none does. */
export function roleFromClaim(claim: unknown, map: RoleMap): SsoRole | null {
  let best: SsoRole | null = null;
  for (const value of claimValues(claim)) {
    const role = map.get(value);
    if (role && (best === null || PRECEDENCE[role] > PRECEDENCE[best])) best = role;
  }
  return best;
}

/** A claim found at a dotted path (`realm_access.roles`), as Keycloak and others nest them. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let current: unknown = claims;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Where to go after signing in: a staff page of this app only (never another site). */
export function safeReturnPath(path: string | null | undefined): string {
  if (typeof path !== 'string' || !/^\/staff(\/[\w\-/]*)?(\?[\w=&%-]*)?$/.test(path)) return '/staff';
  return path;
}
