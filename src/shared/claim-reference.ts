// The short reference of a rental or trip-interruption claim that a holder reads on their claims page and
// can read out on the phone ("TI-1A2B3C4D"): the kind's prefix and the first eight characters of the
// claim's id. Staff pages and the work queue show the same, so both sides name the claim alike. Pure,
// with no Node dependency: the web app uses it too.

export const CLAIM_REFERENCE_PREFIX = { rental_claim: 'RR', trip_interruption_claim: 'TI' } as const;

export function claimReference(kind: keyof typeof CLAIM_REFERENCE_PREFIX, id: string): string {
  return `${CLAIM_REFERENCE_PREFIX[kind]}-${id.replaceAll('-', '').slice(0, 8).toUpperCase()}`;
}
