import { describe, expect, it } from 'vitest';
import {
  type AddressClass,
  addressAllowed,
  classifyAddress,
  EMPTY_ALLOW_LIST,
  parseAllowList,
  webhookTargetRefusal,
} from './webhook-address.js';

describe('webhook address classifier', () => {
  it.each<[string, AddressClass]>([
    // Public
    ['93.184.215.14', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    // Loopback
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    // Unspecified (connects to the local host on Linux)
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    // Private (RFC 1918) and the old IPv6 site-local
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['fec0::1', 'private'],
    // Link-local, cloud metadata included
    ['169.254.169.254', 'link_local'],
    ['169.254.0.1', 'link_local'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    // Carrier-grade NAT (RFC 6598)
    ['100.64.0.1', 'carrier_grade_nat'],
    ['100.127.255.254', 'carrier_grade_nat'],
    // IPv6 unique local (fc00::/7), the AWS IPv6 metadata address among them
    ['fc00::1', 'unique_local'],
    ['fd00:ec2::254', 'unique_local'],
    // Multicast and broadcast
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    // IPv6 forms with an IPv4 address inside
    ['64:ff9b::7f00:1', 'embedded_ipv4'],
    ['2002:7f00:1::', 'embedded_ipv4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'embedded_ipv4'],
    ['::ffff:0:7f00:1', 'embedded_ipv4'],
    // Reserved, documentation and the deprecated IPv4-compatible form (refused either way)
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'reserved'],
    ['100::1', 'reserved'],
    // Not addresses (URL hosts are canonical dotted quads; anything else is not taken as one)
    ['2130706433', 'not_an_address'],
    ['0x7f.1', 'not_an_address'],
    ['localhost', 'not_an_address'],
    ['', 'not_an_address'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('allows an internal address only when a range of the allow-list holds it', () => {
    const allow = parseAllowList('127.0.0.1, 10.20.0.0/16, ::1, hooks.internal');
    expect(allow.hosts).toEqual(['hooks.internal']);
    expect(addressAllowed('127.0.0.1', allow)).toBe(true);
    expect(addressAllowed('::ffff:127.0.0.1', allow)).toBe(true);
    expect(addressAllowed('127.0.0.2', allow)).toBe(false);
    expect(addressAllowed('10.20.3.4', allow)).toBe(true);
    expect(addressAllowed('10.21.0.1', allow)).toBe(false);
    expect(addressAllowed('::1', allow)).toBe(true);
    expect(addressAllowed('169.254.169.254', allow)).toBe(false);
    expect(addressAllowed('8.8.8.8', EMPTY_ALLOW_LIST)).toBe(true);
  });

  it.each(['10.0.0.0/33', 'not a host!', 'http://x/'])('refuses the allow-list entry %j', (entry) => {
    expect(() => parseAllowList(entry)).toThrow();
  });
});

describe('webhook target check (after DNS)', () => {
  const dnsOf =
    (answers: Record<string, string[]>) =>
    async (host: string): Promise<string[]> => {
      const found = answers[host];
      if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return found;
    };
  const resolve = dnsOf({
    'hooks.example.com': ['93.184.215.14'],
    'rebind.example.com': ['93.184.215.14', '127.0.0.1'],
    'metadata.example.com': ['169.254.169.254'],
    'v6.example.com': ['fd00::5'],
    'hooks.internal': ['10.20.0.5'],
  });

  it.each([
    ['https://hooks.example.com/in', null],
    ['http://127.0.0.1:8080/', /127\.0\.0\.1 is a loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://[::1]:22/', /loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[::ffff:a9fe:a9fe]/', /link-local/],
    ['http://2130706433/', /loopback/],
    ['http://0x7f.1/', /loopback/],
    ['http://0/', /unspecified/],
    ['https://rebind.example.com/', /resolves to 127\.0\.0\.1/],
    ['https://metadata.example.com/', /resolves to 169\.254\.169\.254, which is a link-local/],
    ['https://v6.example.com/', /unique-local/],
    ['https://nowhere.example.com/', /does not resolve/],
    ['https://hooks.internal/', /private/],
  ])('%s → %s', async (url, expected) => {
    const refusal = await webhookTargetRefusal(new URL(url), EMPTY_ALLOW_LIST, resolve);
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(expected);
  });

  it('lets the allow-list name an internal host or range', async () => {
    const allow = parseAllowList('hooks.internal, 127.0.0.1');
    expect(await webhookTargetRefusal(new URL('https://hooks.internal/'), allow, resolve)).toBeNull();
    expect(await webhookTargetRefusal(new URL('http://127.0.0.1:9/'), allow, resolve)).toBeNull();
    expect(await webhookTargetRefusal(new URL('http://[::1]:9/'), allow, resolve)).toMatch(/loopback/);
  });
});
