// What a staff search box query may mean (pure): a contract or claim number, a VIN (whole, or its last
// six or more characters), a phone number, or a holder's name. A query can mean several at once
// ("123456" may be the end of a VIN); each reading is searched and the answers are merged.
import { lastNameKey } from '../contracts/contract-input.js';

export interface SearchPlan {
  /** Exact contract, claim or authorization number (upper case). */
  number: string | null;
  /** The last 6–17 characters of a VIN (17 = the whole VIN). */
  vinSuffix: string | null;
  /** The last ten digits of a phone number. */
  phoneDigits: string | null;
  /** A holder's name: the last-name key prefix and, when given, the first name's prefix (lower case). */
  name: { lastKey: string; firstPrefix: string | null } | null;
}

const VIN_CHARS = /^[A-HJ-NPR-Z0-9]{6,17}$/;
const NUMBER = /^[A-Z0-9][A-Z0-9-]{2,39}$/;
const PHONE = /^\+?[\d\s().-]+$/;
const NAME = /^[\p{L}][\p{L}' .,-]*$/u;

export function planSearch(query: string): SearchPlan {
  const trimmed = query.trim().replace(/\s+/g, ' ');
  const upper = trimmed.toUpperCase();
  const hasDigit = /\d/.test(trimmed);
  const number = hasDigit && NUMBER.test(upper) ? upper : null;
  const compact = upper.replace(/\s/g, '');
  const vinSuffix = hasDigit && VIN_CHARS.test(compact) ? compact : null;
  let phoneDigits: string | null = null;
  if (PHONE.test(trimmed)) {
    const digits = trimmed.replace(/\D/g, '');
    if (digits.length === 10 || (digits.length === 11 && digits.startsWith('1')))
      phoneDigits = digits.slice(-10);
  }
  let name: SearchPlan['name'] = null;
  if (!hasDigit && NAME.test(trimmed)) {
    let first: string | null = null;
    let last: string;
    if (trimmed.includes(',')) {
      const [lastPart = '', firstPart = ''] = trimmed.split(',', 2).map((part) => part.trim());
      last = lastPart;
      first = firstPart || null;
    } else {
      const words = trimmed.split(' ');
      last = words.at(-1)!;
      first = words.length > 1 ? words[0]! : null;
    }
    const lastKey = lastNameKey(last);
    if (lastKey.length >= 2)
      name = { lastKey, firstPrefix: first ? first.toLowerCase().replace(/[.]/g, '') || null : null };
  }
  return { number, vinSuffix, phoneDigits, name };
}

/** Whether the plan has anything to look for. */
export function planIsEmpty(plan: SearchPlan): boolean {
  return !plan.number && !plan.vinSuffix && !plan.phoneDigits && !plan.name;
}
