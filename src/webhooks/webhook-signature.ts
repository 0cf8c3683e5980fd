// Webhook signatures: `Coverwise-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "${t}.${body}">`
// keyed with the endpoint's secret (the scheme Stripe documents), so a receiver can check both the
// sender and the freshness of a delivery.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Coverwise-Signature';

export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

/** What an integrator does on receipt: true when `header` signs `body` and is at most `toleranceSeconds` old. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  nowUnixSeconds: number,
  toleranceSeconds: number,
): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowUnixSeconds - t) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(webhookSignature(secret, body, t).split('v1=')[1] as string, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
