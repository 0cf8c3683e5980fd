// The two products Coverwise administers (docs/domain.md): the vehicle service contract and the GAP
// addendum. Route schemas name them with `ProductField` (platform/http/schemas.ts); the catalog with
// `ProductSchema`; the database's check constraints list the same two.

export const PRODUCTS = ['vsc', 'gap'] as const;
export type ProductCode = (typeof PRODUCTS)[number];
