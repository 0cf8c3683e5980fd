// Route access and session resolution at the HTTP edge; who a principal is lives in
// src/shared/principal.ts.

import type { AuthenticatedSession } from '../../shared/principal.js';
import type { Role } from '../db/schema.js';

/**
 * Who may call a route: everyone, any signed-in principal, or the listed roles ('holder' = a signed-in
 * holder, 'dealer' = a dealer API key).
 */
export type Access = 'public' | 'signed_in' | readonly (Role | 'holder' | 'dealer')[];

/** Resolves a session token (bearer or cookie) to its principal, or null when unknown, expired or revoked. */
export type Authenticator = (token: string) => Promise<AuthenticatedSession | null>;
