// Where a webhook may be delivered: only to public internet addresses, so an administrator's session
// cannot turn the delivery log (status, error, timing) into a scanner of the app's own network. An
// address is checked after DNS resolution, at registration and again at every delivery (the address a
// delivery connects to is the one that was checked, so a name that re-resolves to an internal address
// later is refused then); redirects are never followed. COVERWISE_WEBHOOK_ALLOW_HOSTS names the
// exceptions (an internal receiver, or 127.0.0.1 in tests).

import type { LookupAddress, LookupOptions } from 'node:dns';
import dns from 'node:dns';
import ipaddr from 'ipaddr.js';

/** Why an address is refused, or 'public' when it may be reached. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'carrier_grade_nat'
  | 'unique_local'
  | 'multicast'
  | 'broadcast'
  | 'embedded_ipv4'
  | 'reserved'
  | 'not_an_address';

/** IPv4 ranges named by ipaddr.js that map to a refusal class of ours; any other non-unicast is reserved. */
const IPV4_CLASSES: Record<string, AddressClass> = {
  unicast: 'public',
  unspecified: 'unspecified',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link_local',
  carrierGradeNat: 'carrier_grade_nat',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

const IPV6_CLASSES: Record<string, AddressClass> = {
  unicast: 'public',
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link_local',
  deprecatedSiteLocal: 'private',
  uniqueLocal: 'unique_local',
  multicast: 'multicast',
  // Forms that carry an IPv4 address inside (NAT64, 6to4, Teredo, SIIT): the IPv4 part could be
  // anything, so none of them is reached.
  rfc6052: 'embedded_ipv4',
  rfc6145: 'embedded_ipv4',
  '6to4': 'embedded_ipv4',
  teredo: 'embedded_ipv4',
};

/** Global unicast IPv6 is 2000::/3; everything else (including the old IPv4-compatible ::a.b.c.d) is not public. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** The class of one IP address (IPv4, IPv6, IPv4-mapped IPv6 classified as its IPv4 address). */
export function classifyAddress(address: string): AddressClass {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // Zone ids (fe80::1%eth0) name an interface: always link-local, never public.
  if (bare.includes('%')) return 'link_local';
  if (!ipaddr.isValid(bare)) return 'not_an_address';
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') {
    // ipaddr.js also takes forms like "0x7f.1" or "2130706433"; only dotted quads come from URLs and DNS.
    if (!ipaddr.IPv4.isValidFourPartDecimal(bare)) return 'not_an_address';
    return IPV4_CLASSES[(parsed as ipaddr.IPv4).range()] ?? 'reserved';
  }
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return classifyAddress(v6.toIPv4Address().toString());
  const range = v6.range();
  const verdict = IPV6_CLASSES[range] ?? 'reserved';
  if (verdict === 'public' && !v6.match(GLOBAL_UNICAST_V6)) return 'reserved';
  return verdict;
}

/** Exceptions to the public-only rule: host names (exact) and address ranges (CIDR or single address). */
export interface WebhookAllowList {
  readonly hosts: readonly string[];
  readonly ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

export const EMPTY_ALLOW_LIST: WebhookAllowList = Object.freeze({ hosts: [], ranges: [] });

/**
 * Reads COVERWISE_WEBHOOK_ALLOW_HOSTS: comma-separated host names, addresses and CIDR ranges
 * (`hooks.internal, 10.20.0.0/16, 127.0.0.1, ::1`). Throws on an entry that is none of them.
 */
export function parseAllowList(raw: string): WebhookAllowList {
  const hosts: string[] = [];
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const bare = entry.replace(/^\[(.*)\]$/, '$1');
    if (bare.includes('/')) {
      try {
        ranges.push(ipaddr.parseCIDR(bare));
      } catch {
        throw new Error(`"${entry}" is not a CIDR range`);
      }
    } else if (ipaddr.isValid(bare)) {
      const address = ipaddr.parse(bare);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry)) {
      hosts.push(entry.toLowerCase());
    } else {
      throw new Error(`"${entry}" is neither a host name, an address nor a CIDR range`);
    }
  }
  return Object.freeze({ hosts, ranges });
}

function inAllowedRange(address: string, allow: WebhookAllowList): boolean {
  if (allow.ranges.length === 0 || !ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return allow.ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits));
}

/** Whether a delivery may connect to `address` (public, or inside an allowed range). */
export function addressAllowed(address: string, allow: WebhookAllowList): boolean {
  return classifyAddress(address) === 'public' || inAllowedRange(address, allow);
}

/** A URL host without the brackets of an IPv6 literal, lower-cased. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

export type ResolveAll = (host: string) => Promise<string[]>;

/** Every address the system resolver gives for a name (both families). */
export const resolveWithSystem: ResolveAll = async (host) =>
  (await dns.promises.lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Why `url` may not receive webhooks, or null when it may: its host is allowed by name, or every
 * address it resolves to is public or allowed. A name that does not resolve is refused.
 */
export async function webhookTargetRefusal(
  url: URL,
  allow: WebhookAllowList,
  resolve: ResolveAll = resolveWithSystem,
): Promise<string | null> {
  const host = hostOf(url);
  if (allow.hosts.includes(host)) return null;
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return `${host} does not resolve to an address`;
    }
    if (addresses.length === 0) return `${host} does not resolve to an address`;
  }
  const refused = addresses.find((address) => !addressAllowed(address, allow));
  if (refused === undefined) return null;
  const kind = classifyAddress(refused).replaceAll('_', '-');
  return `${host === refused ? refused : `${host} resolves to ${refused}, which`} is a ${kind} address; webhooks go to public addresses only`;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for node:http that resolves as usual and fails when any address is not allowed: the
 * socket then connects to an address this function returned, so the checked address is the one
 * reached (no window for a DNS answer to change between the check and the connection).
 */
export function guardedLookup(allow: WebhookAllowList) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const allowedByName = allow.hosts.includes(hostname.toLowerCase());
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      const refused = allowedByName
        ? undefined
        : addresses?.find((entry) => !addressAllowed(entry.address, allow));
      const first = addresses?.[0];
      if (error) callback(error, '');
      else if (refused) {
        const refusal: NodeJS.ErrnoException = new Error(
          `${hostname} resolves to ${refused.address}, a ${classifyAddress(refused.address).replaceAll('_', '-')} address; webhooks go to public addresses only`,
        );
        refusal.code = 'EWEBHOOKADDRESS';
        callback(refusal, '');
      } else if (!first) {
        const none: NodeJS.ErrnoException = new Error(`${hostname} does not resolve to an address`);
        none.code = 'ENOTFOUND';
        callback(none, '');
      } else if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}
