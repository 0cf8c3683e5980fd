// The settings, one entry per row of README's settings table (generated from this list by
// `npm run docs:settings`; a test fails when the two differ, and when src/config.ts reads a variable
// that is not listed here or lists one it does not read).

export interface SettingDoc {
  /** The environment variables of one row (usually one). */
  readonly names: readonly string[];
  /** Markdown: the default(s). */
  readonly default: string;
  /** Markdown: what it does. */
  readonly meaning: string;
}

export const SETTINGS: readonly SettingDoc[] = [
  {
    names: ['PORT'],
    default: '`3000`',
    meaning: 'HTTP port',
  },
  {
    names: ['HOST'],
    default: '`127.0.0.1`',
    meaning: 'address to listen on (`0.0.0.0` for all interfaces)',
  },
  {
    names: ['DATABASE_URL'],
    default: '—',
    meaning: 'PostgreSQL server, e.g. `postgres://user@host:5432/coverwise`; absent → embedded PGlite',
  },
  {
    names: ['COVERWISE_DATA_DIR'],
    default: '`./data`',
    meaning:
      'folder of the embedded database; the document store and the email outbox default to folders inside it',
  },
  {
    names: ['COVERWISE_PGLITE_CACHE_MB'],
    default: '`32`',
    meaning:
      "the embedded database's page cache (PostgreSQL `shared_buffers`), in MB; every page of it used once stays in the process's memory",
  },
  {
    names: ['COVERWISE_ADMIN_EMAIL', 'COVERWISE_ADMIN_PASSWORD'],
    default: '—',
    meaning: 'create that admin at start, or reset its password (both or neither; password ≥ 12 characters)',
  },
  {
    names: ['COVERWISE_DEMO'],
    default: 'on for PGlite, off for a server',
    meaning: '`1` seeds demo data into an empty database',
  },
  {
    names: ['COVERWISE_DEMO_HISTORY'],
    default: '`1`',
    meaning:
      'with `COVERWISE_DEMO`: also write a year of history through the services (claims, payments, cancellations, GAP documents, transfers, an imported dealer file, lender payoffs and a repossession, a payment run with an OFAC hold, a lender’s funded-deals file for the funding reconciliation), once',
  },
  {
    names: ['COVERWISE_TIMEZONE'],
    default: '`America/New_York`',
    meaning: "the administrator's business time zone (business-day deadlines)",
  },
  {
    names: ['COVERWISE_SESSION_TTL_HOURS'],
    default: '`12`',
    meaning: 'how long a sign-in lasts',
  },
  {
    names: ['COVERWISE_SESSION_CACHE_SECONDS'],
    default: '`5`',
    meaning:
      'seconds a process may reuse a verified session (0–60, `0` = off): a sign-out is seen by every process at most this late',
  },
  {
    names: ['COVERWISE_RUN_JOBS'],
    default: '`1`',
    meaning: 'run the background job workers in this process',
  },
  {
    names: ['COVERWISE_SHUTDOWN_TIMEOUT_SECONDS'],
    default: '`25`',
    meaning:
      'on SIGTERM, how long in-flight work may take before the process exits anyway (a watchdog thread kills it 5 s later if even that cannot run)',
  },
  {
    names: ['COVERWISE_BEHIND_TLS'],
    default: '`0`',
    meaning: '`1` when a TLS proxy fronts the app: HSTS and `Secure` cookies',
  },
  {
    names: ['COVERWISE_TRUST_PROXY'],
    default: '`0`',
    meaning: '`1` to take the client address from `X-Forwarded-For`',
  },
  {
    names: ['COVERWISE_DOCUMENTS_DIR'],
    default: '`<COVERWISE_DATA_DIR>/documents`',
    meaning:
      "folder of the content-addressed document store when no bucket is set (with a bucket: only the virus scan's spool, under `scan/`)",
  },
  {
    names: ['COVERWISE_UPLOAD_MAX_MB'],
    default: '`25`',
    meaning: 'largest uploaded document accepted, in MB (1–2048); larger is `413 file_too_large`',
  },
  {
    names: ['COVERWISE_WEB_DIR'],
    default: '`dist/web`',
    meaning: 'the built web app (`none` serves the API only)',
  },
  {
    names: ['LOG_LEVEL'],
    default: '`info`',
    meaning: '`fatal` … `trace`, or `silent`',
  },
  {
    names: ['COVERWISE_DOCUMENT_REVIEW_BUSINESS_DAYS'],
    default: '`2`',
    meaning: 'GAP document reviews are due this many business days after the business day of receipt',
  },
  {
    names: ['COVERWISE_BUSINESS_DAY_CUTOFF'],
    default: '`17:00`',
    meaning: 'a receipt at or after this local time (business time zone) counts from the next business day',
  },
  {
    names: ['COVERWISE_CLAMD_URL'],
    default: '—',
    meaning:
      '`tcp://host:port` of a clamd: uploads are virus-scanned and refused when the scan fails; absent → no scan',
  },
  {
    names: ['SMTP_URL'],
    default: '—',
    meaning:
      'holder emails go out through this server (`smtp://user:password@host:587`, `smtps://…`); absent → written as `.eml` files to `COVERWISE_OUTBOX_DIR`',
  },
  {
    names: ['COVERWISE_MAIL_FROM'],
    default: '`Coverwise Claims <claims@coverwise.invalid>`',
    meaning: 'sender of holder emails',
  },
  {
    names: ['COVERWISE_OUTBOX_DIR'],
    default: '`<COVERWISE_DATA_DIR>/outbox`',
    meaning: 'folder of the `.eml` files written when `SMTP_URL` is not set',
  },
  {
    names: ['COVERWISE_SUPPORT_PHONE'],
    default: '`1-800-555-0142`',
    meaning: 'customer service number shown in the help center',
  },
  {
    names: ['COVERWISE_SUPPORT_HOURS'],
    default: '`Mo-Fr 08:00-20:00; Sa 09:00-13:00`',
    meaning:
      'customer service days and hours shown in the help center, in the business time zone (`COVERWISE_TIMEZONE`): rules separated by `;`, each days (`Mo Tu We Th Fr Sa Su`, ranges such as `Mo-Fr`, lists such as `Mo,We`) then 24-hour times (`08:00-12:00,13:00-17:00`), a subset of OpenStreetMap’s `opening_hours`; the pages say them in the reader’s language (“Monday – Friday 8:00 AM – 8:00 PM …”, “lunes – viernes 8:00 a.m. – 8:00 p.m. …”). A day named twice, a time that closes before it opens or free text stops start-up',
  },
  {
    names: ['COVERWISE_ROADSIDE_PHONE'],
    default: '`1-800-555-0199`',
    meaning:
      'roadside assistance number shown on holder pages and in the help center (the number only: the pages say it answers 24 hours a day, in the reader’s language)',
  },
  {
    names: ['COVERWISE_IMPORT_ABANDONED_AFTER_SECONDS'],
    default: '`900`',
    meaning:
      'a dealer-file import that wrote no batch for this long is taken as abandoned (its process died) and marked `failed`; on the embedded database every running import is at start',
  },
  {
    names: ['COVERWISE_RATE_QUOTE_RETENTION_DAYS'],
    default: '`90`',
    meaning:
      'a rate quote none of whose offers booked is deleted this many days after its validity ended (the recurring job `purge-expired-rate-quotes`, audited with the count); quotes with a booking are kept',
  },
  {
    names: ['COVERWISE_HOLDER_THROTTLE'],
    default: '`1`',
    meaning:
      '`0` turns the holder sign-in throttle off: **for benchmarks only** (`npm run bench` compares sign-in throughput with it on and off)',
  },
  {
    names: [
      'COVERWISE_HOLDER_ATTEMPTS_PER_VIN',
      'COVERWISE_HOLDER_ATTEMPTS_PER_ADDRESS',
      'COVERWISE_HOLDER_ATTEMPT_WINDOW_SECONDS',
    ],
    default: '`10`, `30`, `900`',
    meaning:
      'holder sign-in and GAP claim start: failed tries of one VIN from one client address before its back-off starts; attempts from one address (any VIN) in a window; then `429 too_many_attempts` + `Retry-After` (shared by all processes)',
  },
  {
    names: [
      'COVERWISE_STAFF_ATTEMPTS_PER_EMAIL',
      'COVERWISE_STAFF_ATTEMPTS_PER_ADDRESS',
      'COVERWISE_STAFF_ATTEMPT_WINDOW_SECONDS',
    ],
    default: '`10`, `50`, `900`',
    meaning:
      'staff sign-in: failed tries of one email from one client address before its back-off starts; failures from one address (any email) in a window; then `429 too_many_attempts` + `Retry-After`',
  },
  {
    names: ['COVERWISE_SIGN_IN_BACKOFF_BASE_SECONDS', 'COVERWISE_SIGN_IN_BACKOFF_MAX_SECONDS'],
    default: '`30`, `3600`',
    meaning:
      'after the free tries, each attempt of that key from that address waits this long after the last, doubling with every further failure up to the maximum; a success (or a quiet day) clears it. A guesser at one address never delays the real holder or user at another',
  },
  {
    names: ['COVERWISE_STAFF_ATTACK_ALERT_FAILURES'],
    default: '`20`',
    meaning:
      'failed sign-ins to one account (staff, dealer user or lender) from any address within the staff window past which its user is alerted (audit event `session.sign_in_attack_suspected`, listed by `GET /api/v1/auth/sign-in-alerts` and shown on the staff home and the dealer portal, and to administrators on the staff dashboard)',
  },
  {
    names: ['COVERWISE_HOLDER_LINK_MINUTES'],
    default: '`15`',
    meaning:
      'how long an emailed holder link works (verify the email of a new holder account, sign in to an account); each link works once',
  },
  {
    names: ['COVERWISE_PUBLIC_URL'],
    default: '`http://localhost:<PORT>`',
    meaning:
      'the address people reach the web app at, used in the links of emails (e.g. `https://coverwise.example.com`)',
  },
  {
    names: [
      'COVERWISE_OIDC_ISSUER',
      'COVERWISE_OIDC_CLIENT_ID',
      'COVERWISE_OIDC_CLIENT_SECRET',
      'COVERWISE_OIDC_REDIRECT_URL',
    ],
    default: '—',
    meaning:
      'staff single sign-on with OpenID Connect (authorization code + PKCE): the issuer URL (discovery at `/.well-known/openid-configuration`), the client registered there, its secret (absent → a public client) and the callback registered with it, `<COVERWISE_PUBLIC_URL>/api/v1/auth/oidc/callback`. Set with `COVERWISE_OIDC_ROLE_MAP`; the staff sign-in page then shows "Sign in with …"',
  },
  {
    names: ['COVERWISE_OIDC_ROLE_CLAIM', 'COVERWISE_OIDC_ROLE_MAP'],
    default: '`groups`, —',
    meaning:
      "the ID-token or userinfo claim holding a person's groups (a dotted path such as `realm_access.roles` for nested claims), and how its values map to roles, e.g. `coverwise-admin:admin,claims:adjuster,docs:reviewer` (only admin, adjuster and reviewer; the most powerful mapped role wins). A person with no mapped value is refused. Users are created, or linked by email, on first sign-in (audited), and their role follows the claim",
  },
  {
    names: ['COVERWISE_OIDC_PROVIDER_NAME'],
    default: '`single sign-on`',
    meaning: 'the name on the staff sign-in button: "Sign in with <name>"',
  },
  {
    names: ['COVERWISE_REQUIRE_MFA'],
    default: '`0`',
    meaning:
      '`1`: administrators must turn on two-step sign-in (TOTP); until they confirm enrolment their session reaches only the enrolment endpoints (`403 mfa_enrolment_required` elsewhere)',
  },
  {
    names: [
      'COVERWISE_UPLOADS_PER_CLAIM',
      'COVERWISE_UPLOADS_PER_ADDRESS',
      'COVERWISE_UPLOAD_WINDOW_SECONDS',
    ],
    default: '`30`, `200`, `3600`',
    meaning:
      'document uploads allowed per claim (or transfer) and per client address in a window, accepted or not; then `429 too_many_attempts`',
  },
  {
    names: ['COVERWISE_WEBHOOK_ALLOW_HOSTS'],
    default: '—',
    meaning:
      'webhooks go to public addresses only (checked after DNS when an endpoint is added and at every delivery; redirects are not followed); this comma-separated list of host names, addresses and CIDR ranges (`hooks.internal, 10.20.0.0/16`) names the internal receivers allowed besides',
  },
  {
    names: ['COVERWISE_S3_BUCKET'],
    default: '—',
    meaning:
      'keep documents in this S3-compatible bucket instead of the folder (see "Running several processes"); the other `COVERWISE_S3_*` settings need it',
  },
  {
    names: ['COVERWISE_S3_ENDPOINT'],
    default: '— (AWS S3)',
    meaning: 'URL of an S3-compatible service, e.g. `http://minio:9000`',
  },
  {
    names: ['COVERWISE_S3_REGION'],
    default: '`us-east-1`',
    meaning: "the bucket's region",
  },
  {
    names: ['COVERWISE_S3_ACCESS_KEY_ID', 'COVERWISE_S3_SECRET_ACCESS_KEY'],
    default: "— (the AWS SDK's default chain: `AWS_*` variables, web identity, instance role)",
    meaning: "the bucket's credentials (both or neither)",
  },
  {
    names: ['COVERWISE_S3_FORCE_PATH_STYLE'],
    default: '`1` with an endpoint, else `0`',
    meaning:
      'address the bucket in the path (`endpoint/bucket/key`, MinIO and most S3-compatible servers) rather than the host name',
  },
  {
    names: ['COVERWISE_S3_PREFIX'],
    default: '—',
    meaning: 'key prefix inside the bucket, e.g. `documents/`',
  },
  {
    names: ['COVERWISE_METRICS_TOKEN'],
    default: '—',
    meaning:
      'bearer token `GET /metrics` asks for (≥ 16 characters); absent → `/metrics` answers anyone who reaches the port (see "Metrics and traces")',
  },
  {
    names: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
    default: '—',
    meaning:
      "OpenTelemetry collector (OTLP over HTTP, e.g. `http://otel-collector:4318`): traces are sent there; absent → no tracing. The exporter's other `OTEL_EXPORTER_OTLP_*` variables (headers, timeout) apply",
  },
  {
    names: ['COVERWISE_DEALER_KEY_REQUESTS_PER_MINUTE'],
    default: '`600`',
    meaning:
      'requests one dealer API key may make a minute (shared by all processes); then `429 too_many_attempts`',
  },
  {
    names: ['COVERWISE_APPROVAL_LIMIT_CENTS'],
    default: '`500000`',
    meaning:
      'the largest GAP benefit (cents) an adjuster approves alone for payment when their user has no limit of its own (`PUT /api/v1/users/{id}/approval-limit`); above it one adjuster proposes the payment and a second adjuster whose limit covers it approves (maker–checker, both audited; the proposer can never approve their own)',
  },
  {
    names: ['COVERWISE_LENDER_EVENTS_INLINE_ROWS'],
    default: '`1000`',
    meaning:
      'a lender-event file with at most this many rows is applied before the answer (200); a larger one is applied by the `apply-lender-events` job (202, progress at `/api/v1/lender-events/runs/{id}`)',
  },
  {
    names: ['COVERWISE_FUNDING_REMITTANCE_DAYS'],
    default: '`30`',
    meaning:
      'funding reconciliation: a registered contract whose dealer cost is not remitted this many days after the sale is reported `registered_not_remitted`',
  },
  {
    names: ['COVERWISE_ACH_ODFI_ROUTING', 'COVERWISE_ACH_ODFI_NAME'],
    default: '`021000021`, `ORIGINATING BANK`',
    meaning:
      "the originating bank of payment runs' NACHA files (routing number with a valid check digit; immediate destination and name)",
  },
  {
    names: ['COVERWISE_ACH_COMPANY_ID', 'COVERWISE_ACH_COMPANY_NAME'],
    default: '`1000000000`, `COVERWISE`',
    meaning:
      'the administrator as ACH originator (ten-character company identification, usually 1 + EIN; company name)',
  },
  {
    names: ['COVERWISE_CHECK_ACCOUNT_NUMBER'],
    default: '`000000000000`',
    meaning: 'the disbursement account checks are drawn on, named in the positive-pay file (4–17 digits)',
  },
  {
    names: ['COVERWISE_OFAC_MATCH_THRESHOLD'],
    default: '`0.92`',
    meaning:
      'OFAC screening: a payee whose normalized name scores at least this (Jaro–Winkler, 0–1) against an SDN name is held for review',
  },
  {
    names: ['COVERWISE_1099_THRESHOLD_CENTS'],
    default: '`60000`',
    meaning: 'a repair facility paid at least this much (cents) in a calendar year is on the 1099-NEC report',
  },
];

/** README's settings table, rendered from SETTINGS. */
export function renderSettingsTable(): string {
  const rows = SETTINGS.map(
    (setting) =>
      `| ${setting.names.map((name) => `\`${name}\``).join(', ')} | ${setting.default} | ${setting.meaning} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

export const SETTINGS_START =
  '<!-- settings:start (generated by npm run docs:settings from src/config-settings.ts) -->';
export const SETTINGS_END = '<!-- settings:end -->';

/** `readme` with the text between the settings markers replaced by the rendered table. */
export function withSettingsTable(readme: string): string {
  const start = readme.indexOf(SETTINGS_START);
  const end = readme.indexOf(SETTINGS_END);
  if (start < 0 || end < start) throw new Error('README.md has no settings markers');
  return `${readme.slice(0, start + SETTINGS_START.length)}\n${renderSettingsTable()}\n${readme.slice(end)}`;
}
