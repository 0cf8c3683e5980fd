// The two-letter region codes Coverwise accepts for a `state` field (state of purchase, holder
// address, state rules): USPS codes for the 50 states and the District of Columbia, and Canada Post
// codes for the provinces and territories, because repair facilities and holders may be in Canada.

export const US_STATES = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
] as const;

export const CA_PROVINCES = [
  'AB',
  'BC',
  'MB',
  'NB',
  'NL',
  'NS',
  'NT',
  'NU',
  'ON',
  'PE',
  'QC',
  'SK',
  'YT',
] as const;

export type UsState = (typeof US_STATES)[number];
export type CaProvince = (typeof CA_PROVINCES)[number];

const US_STATE_SET: ReadonlySet<string> = new Set(US_STATES);
const CA_PROVINCE_SET: ReadonlySet<string> = new Set(CA_PROVINCES);

export function isUsState(code: string): code is UsState {
  return US_STATE_SET.has(code);
}

export function isCaProvince(code: string): code is CaProvince {
  return CA_PROVINCE_SET.has(code);
}

/** True for any code a `state` field may hold: a U.S. state, DC, or a Canadian province or territory. */
export function isRegionCode(code: string): code is UsState | CaProvince {
  return isUsState(code) || isCaProvince(code);
}
