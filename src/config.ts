// Configuration comes from the environment, is validated once at start-up, and is then a frozen,
// typed object. A bad value stops start-up with a message that names the variable.

import path from 'node:path';
import { parseRoleMap, type RoleMap } from './auth/oidc-roles.js';
import { parseSupportHours, SUPPORT_HOURS_EXAMPLE, type SupportHours } from './help/support-hours.js';
import { parseAllowList, type WebhookAllowList } from './webhooks/webhook-address.js';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL server URL; null means the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  /** The embedded database's page cache (PostgreSQL shared_buffers) in MB; ignored on a server. */
  readonly pgliteCacheMb: number;
  readonly adminEmail: string | null;
  readonly adminPassword: string | null;
  /** Seed demo catalog, contracts and users into an empty database. */
  readonly demo: boolean;
  /** With demo: also write the demo's year of history (issue 19). */
  readonly demoHistory: boolean;
  /** The administrator's business time zone (IANA name). */
  readonly timeZone: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly sessionTtlHours: number;
  /** Seconds a process may reuse a looked-up session (other processes see a sign-out at most this late). */
  readonly sessionCacheSeconds: number;
  /** A running import that wrote no batch for this long is taken as abandoned (its process died). */
  readonly importAbandonedAfterMs: number;
  /** Days after its validity ended that a rate quote nothing booked is purged. */
  readonly rateQuoteRetentionDays: number;
  readonly lenderEventsInlineRows: number;
  readonly fundingRemittanceDays: number;
  /** On SIGTERM, how long in-flight work may take before the process exits anyway. */
  readonly shutdownTimeoutMs: number;
  /** Run the pg-boss job processors in this process. */
  readonly runJobs: boolean;
  /** True when the app sits behind a TLS-terminating proxy (enables HSTS and Secure cookies). */
  readonly behindTls: boolean;
  readonly trustProxy: boolean;
  /** Folder of the content-addressed document store. */
  readonly documentsDir: string;
  /**
   * Documents in an S3-compatible bucket (COVERWISE_S3_*) instead of the folder `documentsDir`;
   * null = the folder.
   */
  readonly s3: S3Settings | null;
  /** Bearer token GET /metrics asks for; null = /metrics answers without one (COVERWISE_METRICS_TOKEN). */
  readonly metricsToken: string | null;
  /** OTLP/HTTP endpoint traces are sent to (OTEL_EXPORTER_OTLP_ENDPOINT); null = no tracing. */
  readonly otlpEndpoint: string | null;
  /** Largest uploaded file accepted, in bytes. */
  readonly uploadMaxBytes: number;
  /** Uploads allowed per claim (or transfer) / per client address in a window (COVERWISE_UPLOADS_*). */
  readonly uploadsPerClaim: number;
  readonly uploadsPerAddress: number;
  readonly uploadWindowSeconds: number;
  /**
   * Holder sign-in and GAP claim start: failed tries of one VIN from one client address before the
   * back-off starts; attempts from one client address (any VIN) in a window.
   */
  readonly holderAttemptsPerVin: number;
  readonly holderAttemptsPerAddress: number;
  readonly holderAttemptWindowSeconds: number;
  /** Holder sign-in throttling on (the default). Off only for benchmarks (COVERWISE_HOLDER_THROTTLE=0). */
  readonly holderThrottle: boolean;
  /**
   * Staff sign-in: failed tries of one email from one client address before the back-off starts;
   * failures from one client address (any email) in a window; failures against one account from any
   * address in that window past which its user is alerted (COVERWISE_STAFF_*).
   */
  readonly staffAttemptsPerEmail: number;
  /** Requests one dealer API key may make per minute (every process shares the count on a server). */
  readonly dealerKeyRequestsPerMinute: number;
  readonly staffAttemptsPerAddress: number;
  readonly staffAttemptWindowSeconds: number;
  readonly staffAttackAlertFailures: number;
  /** COVERWISE_REQUIRE_MFA: administrators must turn on two-step sign-in (TOTP) before anything else. */
  readonly requireMfa: boolean;
  /** The first wait after the free tries, doubling with each further failure up to the maximum. */
  readonly signInBackoffBaseSeconds: number;
  readonly signInBackoffMaxSeconds: number;
  /** Folder holding the built web app; null when it is not served. */
  readonly webDir: string | null;
  /** GAP document reviews: due this many business days after the business day of receipt (docs/domain.md). */
  readonly documentReviewBusinessDays: number;
  /** Minutes after local midnight from which a receipt counts from the next business day (17:00 = 1020). */
  readonly businessDayCutoffMinutes: number;
  /** clamd address (`tcp://host:port`) for scanning uploads; null = no scan. */
  readonly clamdUrl: { host: string; port: number } | null;
  /** SMTP server URL for holder emails; null = write `.eml` files to `outboxDir` instead. */
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  /** Folder of `.eml` files written when no SMTP server is configured. */
  readonly outboxDir: string;
  /** Help center contact details shown to holders (COVERWISE_SUPPORT_PHONE / _HOURS, COVERWISE_ROADSIDE_PHONE). */
  readonly supportPhone: string;
  /** Customer service's days and hours, in the business time zone; pages say them in the reader's language. */
  readonly supportHours: SupportHours;
  readonly roadsidePhone: string;
  /** Internal hosts and ranges webhooks may reach (COVERWISE_WEBHOOK_ALLOW_HOSTS); public addresses always. */
  readonly webhookAllowList: WebhookAllowList;
  /** The largest GAP benefit an adjuster pays alone unless their user has its own limit (maker–checker above). */
  readonly approvalLimitCents: number;
  /** How long an emailed holder link (verify an email, sign in) works, in minutes. */
  readonly holderLinkMinutes: number;
  /** The web app's address as people reach it, for links in emails. */
  readonly publicUrl: string;
  /** Staff single sign-on with OpenID Connect; null when not configured. */
  readonly oidc: OidcSettings | null;
  /** Payment runs: the NACHA originator, the check account, OFAC threshold, 1099-NEC threshold. */
  readonly payments: {
    readonly odfiRoutingNumber: string;
    readonly odfiName: string;
    readonly companyId: string;
    readonly companyName: string;
    readonly checkAccountNumber: string;
    readonly ofacMatchThreshold: number;
    readonly form1099ThresholdCents: number;
  };
}

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly redirectUrl: string;
  /** The claim holding the person's groups or roles (a dotted path for nested claims). */
  readonly roleClaim: string;
  readonly roleMap: RoleMap;
  /** Shown on the staff sign-in page: "Sign in with <providerName>". */
  readonly providerName: string;
}

export interface S3Settings {
  readonly bucket: string;
  /** Key prefix in the bucket ending in `/`, or empty. */
  readonly prefix: string;
  /** An S3-compatible service's URL; null = AWS S3 in `region`. */
  readonly endpoint: string | null;
  readonly region: string;
  /** Null = the AWS SDK's default credential chain (AWS_* variables, web identity, instance role). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | null;
  readonly forcePathStyle: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readPattern(env: Env, name: string, fallback: string, pattern: RegExp, what: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!pattern.test(raw)) throw new ConfigError(name, `must be ${what}, got "${raw}"`);
  return raw;
}

function readFraction(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(raw) || value <= 0)
    throw new ConfigError(name, `must be a number above 0 and at most 1, got "${raw}"`);
  return value;
}

function readRoutingNumber(env: Env, name: string, fallback: string): string {
  const value = readPattern(env, name, fallback, /^\d{9}$/, 'nine digits');
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  const sum = [...value].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  if (sum % 10 !== 0) throw new ConfigError(name, `fails the ABA check digit: "${value}"`);
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be 1/0, true/false, yes/no or on/off, got "${raw}"`);
}

function readTimeZone(env: Env, name: string, fallback: string): string {
  const value = env[name] || fallback;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new ConfigError(name, `must be an IANA time zone such as America/New_York, got "${value}"`);
  }
  return value;
}

function readClockTime(env: Env, name: string, fallback: string): number {
  const raw = env[name] || fallback;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
  if (!match) throw new ConfigError(name, `must be a time of day as HH:MM (24-hour), got "${raw}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Customer service's opening hours as data (src/help/support-hours.ts), in the business time zone. */
function readSupportHours(env: Env, name: string, fallback: string, timeZone: string): SupportHours {
  const raw = env[name] || fallback;
  const parsed = parseSupportHours(raw);
  if ('error' in parsed) {
    throw new ConfigError(
      name,
      `must be days and 24-hour times such as "${SUPPORT_HOURS_EXAMPLE}" (days Mo Tu We Th Fr Sa Su, ` +
        `rules separated by ";", in COVERWISE_TIMEZONE): ${parsed.error}; got "${raw}"`,
    );
  }
  return Object.freeze({ timeZone, rules: parsed.rules });
}

function readClamdUrl(env: Env, name: string): { host: string; port: number } | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  const match = /^tcp:\/\/([^:/\s]+):(\d{1,5})\/?$/.exec(raw);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65_535) {
    throw new ConfigError(name, `must be tcp://host:port, got "${raw}"`);
  }
  return { host: match[1] as string, port: Number(match[2]) };
}

function readSmtpUrl(env: Env, name: string): string | null {
  return readUrl(env, name, ['smtp', 'smtps'], 'smtp://user:password@mail.example.com:587', { secret: true });
}

function readDatabaseUrl(env: Env, name: string): string | null {
  return readUrl(env, name, ['postgres', 'postgresql'], 'postgres://user@host:5432/database', {
    secret: true,
  });
}

function readWebhookAllowList(env: Env, name: string): WebhookAllowList {
  try {
    return parseAllowList(env[name] ?? '');
  } catch (error) {
    throw new ConfigError(
      name,
      `${(error as Error).message}; list host names, addresses or CIDR ranges, comma-separated`,
    );
  }
}

function readHttpUrl(env: Env, name: string, example: string): string | null {
  return readUrl(env, name, ['http', 'https'], example, { secret: false });
}

/**
 * An optional URL setting (unset or empty → null) whose scheme is one of `schemes`. The value of one that
 * may carry a password (`secret`) is not repeated in the error.
 */
function readUrl(
  env: Env,
  name: string,
  schemes: readonly string[],
  example: string,
  options: { secret: boolean },
): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL such as ${example}${options.secret ? '' : `, got "${raw}"`}`);
  }
  if (!schemes.some((scheme) => url.protocol === `${scheme}:`)) {
    const allowed = schemes.map((scheme) => `${scheme}://`).join(' or ');
    throw new ConfigError(name, `must start with ${allowed}, got "${url.protocol}//"`);
  }
  return raw;
}

const OIDC_REQUIRED = [
  'COVERWISE_OIDC_ISSUER',
  'COVERWISE_OIDC_CLIENT_ID',
  'COVERWISE_OIDC_REDIRECT_URL',
  'COVERWISE_OIDC_ROLE_MAP',
] as const;

function readOidc(env: Env): OidcSettings | null {
  const given = OIDC_REQUIRED.filter((name) => (env[name] ?? '') !== '');
  if (given.length === 0) return null;
  const missing = OIDC_REQUIRED.find((name) => (env[name] ?? '') === '');
  if (missing) {
    throw new ConfigError(
      missing,
      `single sign-on needs ${OIDC_REQUIRED.join(', ')} together: set all or none`,
    );
  }
  const issuer = readHttpUrl(
    env,
    'COVERWISE_OIDC_ISSUER',
    'https://login.example.com/realms/staff',
  ) as string;
  const redirectUrl = readHttpUrl(
    env,
    'COVERWISE_OIDC_REDIRECT_URL',
    'https://coverwise.example.com/api/v1/auth/oidc/callback',
  ) as string;
  const parsed = parseRoleMap(env.COVERWISE_OIDC_ROLE_MAP as string);
  if ('error' in parsed) throw new ConfigError('COVERWISE_OIDC_ROLE_MAP', parsed.error);
  return Object.freeze({
    issuer,
    clientId: env.COVERWISE_OIDC_CLIENT_ID as string,
    clientSecret: env.COVERWISE_OIDC_CLIENT_SECRET || null,
    redirectUrl,
    roleClaim: env.COVERWISE_OIDC_ROLE_CLAIM || 'groups',
    roleMap: parsed.map,
    providerName: env.COVERWISE_OIDC_PROVIDER_NAME || 'single sign-on',
  });
}

const S3_VARIABLES = [
  'COVERWISE_S3_BUCKET',
  'COVERWISE_S3_PREFIX',
  'COVERWISE_S3_ENDPOINT',
  'COVERWISE_S3_REGION',
  'COVERWISE_S3_ACCESS_KEY_ID',
  'COVERWISE_S3_SECRET_ACCESS_KEY',
  'COVERWISE_S3_FORCE_PATH_STYLE',
] as const;

function readS3(env: Env): S3Settings | null {
  const bucket = env.COVERWISE_S3_BUCKET || null;
  if (bucket === null) {
    const stray = S3_VARIABLES.find((name) => env[name]);
    if (stray) throw new ConfigError('COVERWISE_S3_BUCKET', `must be set when ${stray} is`);
    return null;
  }
  // S3's bucket naming rules (lower case, 3–63 characters, no leading/trailing dot or dash).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    throw new ConfigError(
      'COVERWISE_S3_BUCKET',
      `must be a bucket name (3–63 of a-z 0-9 . -), got "${bucket}"`,
    );
  }
  const rawPrefix = env.COVERWISE_S3_PREFIX ?? '';
  if (rawPrefix.startsWith('/') || rawPrefix.includes('//') || rawPrefix.length > 200) {
    throw new ConfigError(
      'COVERWISE_S3_PREFIX',
      `must be a key prefix such as documents/, got "${rawPrefix}"`,
    );
  }
  const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`;
  const endpoint = readHttpUrl(env, 'COVERWISE_S3_ENDPOINT', 'http://minio:9000');
  const region = env.COVERWISE_S3_REGION || 'us-east-1';
  if (!/^[a-z0-9-]{2,40}$/.test(region)) {
    throw new ConfigError('COVERWISE_S3_REGION', `must be a region name such as us-east-1, got "${region}"`);
  }
  const accessKeyId = env.COVERWISE_S3_ACCESS_KEY_ID || null;
  const secretAccessKey = env.COVERWISE_S3_SECRET_ACCESS_KEY || null;
  if ((accessKeyId === null) !== (secretAccessKey === null)) {
    throw new ConfigError(
      accessKeyId === null ? 'COVERWISE_S3_ACCESS_KEY_ID' : 'COVERWISE_S3_SECRET_ACCESS_KEY',
      'COVERWISE_S3_ACCESS_KEY_ID and COVERWISE_S3_SECRET_ACCESS_KEY go together: set both or neither',
    );
  }
  return Object.freeze({
    bucket,
    prefix,
    endpoint,
    region,
    credentials: accessKeyId && secretAccessKey ? Object.freeze({ accessKeyId, secretAccessKey }) : null,
    // An endpoint of one's own (MinIO and most S3-compatible servers) wants the bucket in the path.
    forcePathStyle: readBoolean(env, 'COVERWISE_S3_FORCE_PATH_STYLE', endpoint !== null),
  });
}

function readMetricsToken(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (raw.length < 16 || !/^[\x21-\x7e]+$/.test(raw)) {
    throw new ConfigError(name, 'must be at least 16 printable characters without spaces');
  }
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const databaseUrl = readDatabaseUrl(env, 'DATABASE_URL');
  const adminEmail = env.COVERWISE_ADMIN_EMAIL || null;
  const adminPassword = env.COVERWISE_ADMIN_PASSWORD || null;
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError(
      adminEmail === null ? 'COVERWISE_ADMIN_EMAIL' : 'COVERWISE_ADMIN_PASSWORD',
      'COVERWISE_ADMIN_EMAIL and COVERWISE_ADMIN_PASSWORD go together: set both or neither',
    );
  }
  if (adminEmail !== null && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) {
    throw new ConfigError('COVERWISE_ADMIN_EMAIL', `must be an email address, got "${adminEmail}"`);
  }
  if (adminPassword !== null && adminPassword.length < 12) {
    throw new ConfigError('COVERWISE_ADMIN_PASSWORD', 'must be at least 12 characters');
  }
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const timeZone = readTimeZone(env, 'COVERWISE_TIMEZONE', 'America/New_York');
  const webDir =
    env.COVERWISE_WEB_DIR === 'none' ? null : path.resolve(cwd, env.COVERWISE_WEB_DIR || 'dist/web');

  return Object.freeze({
    port: readInteger(env, 'PORT', 3000, 0, 65_535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir: path.resolve(cwd, env.COVERWISE_DATA_DIR || './data'),
    pgliteCacheMb: readInteger(env, 'COVERWISE_PGLITE_CACHE_MB', 32, 1, 4096),
    adminEmail: adminEmail?.toLowerCase() ?? null,
    adminPassword,
    // Demo data is on by default for the embedded database (a newcomer's first run) and off for a server.
    demo: readBoolean(env, 'COVERWISE_DEMO', databaseUrl === null),
    demoHistory: readBoolean(env, 'COVERWISE_DEMO_HISTORY', true),
    timeZone,
    logLevel,
    sessionTtlHours: readInteger(env, 'COVERWISE_SESSION_TTL_HOURS', 12, 1, 24 * 30),
    sessionCacheSeconds: readInteger(env, 'COVERWISE_SESSION_CACHE_SECONDS', 5, 0, 60),
    importAbandonedAfterMs:
      readInteger(env, 'COVERWISE_IMPORT_ABANDONED_AFTER_SECONDS', 900, 1, 86_400) * 1000,
    rateQuoteRetentionDays: readInteger(env, 'COVERWISE_RATE_QUOTE_RETENTION_DAYS', 90, 0, 3650),
    lenderEventsInlineRows: readInteger(env, 'COVERWISE_LENDER_EVENTS_INLINE_ROWS', 1000, 0, 1_000_000),
    fundingRemittanceDays: readInteger(env, 'COVERWISE_FUNDING_REMITTANCE_DAYS', 30, 0, 3650),
    shutdownTimeoutMs: readInteger(env, 'COVERWISE_SHUTDOWN_TIMEOUT_SECONDS', 25, 1, 3_600) * 1000,
    runJobs: readBoolean(env, 'COVERWISE_RUN_JOBS', true),
    behindTls: readBoolean(env, 'COVERWISE_BEHIND_TLS', false),
    trustProxy: readBoolean(env, 'COVERWISE_TRUST_PROXY', false),
    documentsDir: path.resolve(
      cwd,
      env.COVERWISE_DOCUMENTS_DIR || path.join(env.COVERWISE_DATA_DIR || './data', 'documents'),
    ),
    s3: readS3(env),
    metricsToken: readMetricsToken(env, 'COVERWISE_METRICS_TOKEN'),
    otlpEndpoint: readHttpUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', 'http://otel-collector:4318'),
    uploadMaxBytes: readInteger(env, 'COVERWISE_UPLOAD_MAX_MB', 25, 1, 2048) * 1024 * 1024,
    uploadsPerClaim: readInteger(env, 'COVERWISE_UPLOADS_PER_CLAIM', 30, 1, 1_000_000),
    uploadsPerAddress: readInteger(env, 'COVERWISE_UPLOADS_PER_ADDRESS', 200, 1, 1_000_000),
    uploadWindowSeconds: readInteger(env, 'COVERWISE_UPLOAD_WINDOW_SECONDS', 3600, 1, 86_400),
    holderAttemptsPerVin: readInteger(env, 'COVERWISE_HOLDER_ATTEMPTS_PER_VIN', 10, 1, 100_000),
    holderAttemptsPerAddress: readInteger(env, 'COVERWISE_HOLDER_ATTEMPTS_PER_ADDRESS', 30, 1, 1_000_000),
    holderAttemptWindowSeconds: readInteger(env, 'COVERWISE_HOLDER_ATTEMPT_WINDOW_SECONDS', 900, 1, 86_400),
    holderThrottle: readBoolean(env, 'COVERWISE_HOLDER_THROTTLE', true),
    staffAttemptsPerEmail: readInteger(env, 'COVERWISE_STAFF_ATTEMPTS_PER_EMAIL', 10, 1, 100_000),
    dealerKeyRequestsPerMinute: readInteger(
      env,
      'COVERWISE_DEALER_KEY_REQUESTS_PER_MINUTE',
      600,
      1,
      1_000_000,
    ),
    staffAttemptsPerAddress: readInteger(env, 'COVERWISE_STAFF_ATTEMPTS_PER_ADDRESS', 50, 1, 1_000_000),
    staffAttemptWindowSeconds: readInteger(env, 'COVERWISE_STAFF_ATTEMPT_WINDOW_SECONDS', 900, 1, 86_400),
    staffAttackAlertFailures: readInteger(env, 'COVERWISE_STAFF_ATTACK_ALERT_FAILURES', 20, 1, 1_000_000),
    requireMfa: readBoolean(env, 'COVERWISE_REQUIRE_MFA', false),
    signInBackoffBaseSeconds: readInteger(env, 'COVERWISE_SIGN_IN_BACKOFF_BASE_SECONDS', 30, 1, 86_400),
    signInBackoffMaxSeconds: readInteger(env, 'COVERWISE_SIGN_IN_BACKOFF_MAX_SECONDS', 3600, 1, 86_400),
    webDir,
    documentReviewBusinessDays: readInteger(env, 'COVERWISE_DOCUMENT_REVIEW_BUSINESS_DAYS', 2, 0, 60),
    businessDayCutoffMinutes: readClockTime(env, 'COVERWISE_BUSINESS_DAY_CUTOFF', '17:00'),
    clamdUrl: readClamdUrl(env, 'COVERWISE_CLAMD_URL'),
    smtpUrl: readSmtpUrl(env, 'SMTP_URL'),
    mailFrom: env.COVERWISE_MAIL_FROM || 'Coverwise Claims <claims@coverwise.invalid>',
    outboxDir: path.resolve(
      cwd,
      env.COVERWISE_OUTBOX_DIR || path.join(env.COVERWISE_DATA_DIR || './data', 'outbox'),
    ),
    approvalLimitCents: readInteger(env, 'COVERWISE_APPROVAL_LIMIT_CENTS', 500_000, 0, 1_000_000_000),
    payments: {
      odfiRoutingNumber: readRoutingNumber(env, 'COVERWISE_ACH_ODFI_ROUTING', '021000021'),
      odfiName: readPattern(
        env,
        'COVERWISE_ACH_ODFI_NAME',
        'ORIGINATING BANK',
        /^[\x20-\x7e]{1,23}$/,
        'up to 23 plain characters',
      ),
      companyId: readPattern(
        env,
        'COVERWISE_ACH_COMPANY_ID',
        '1000000000',
        /^[A-Za-z0-9 ]{10}$/,
        'ten letters or digits',
      ),
      companyName: readPattern(
        env,
        'COVERWISE_ACH_COMPANY_NAME',
        'COVERWISE',
        /^[\x20-\x7e]{1,16}$/,
        'up to 16 plain characters',
      ),
      checkAccountNumber: readPattern(
        env,
        'COVERWISE_CHECK_ACCOUNT_NUMBER',
        '000000000000',
        /^\d{4,17}$/,
        '4–17 digits',
      ),
      ofacMatchThreshold: readFraction(env, 'COVERWISE_OFAC_MATCH_THRESHOLD', 0.92),
      form1099ThresholdCents: readInteger(env, 'COVERWISE_1099_THRESHOLD_CENTS', 60_000, 0, 1_000_000_000),
    },
    supportPhone: env.COVERWISE_SUPPORT_PHONE || '1-800-555-0142',
    supportHours: readSupportHours(
      env,
      'COVERWISE_SUPPORT_HOURS',
      'Mo-Fr 08:00-20:00; Sa 09:00-13:00',
      timeZone,
    ),
    roadsidePhone: env.COVERWISE_ROADSIDE_PHONE || '1-800-555-0199',
    webhookAllowList: readWebhookAllowList(env, 'COVERWISE_WEBHOOK_ALLOW_HOSTS'),
    holderLinkMinutes: readInteger(env, 'COVERWISE_HOLDER_LINK_MINUTES', 15, 1, 24 * 60),
    publicUrl: (
      readHttpUrl(env, 'COVERWISE_PUBLIC_URL', 'https://coverwise.example.com') ??
      `http://localhost:${readInteger(env, 'PORT', 3000, 0, 65_535)}`
    ).replace(/\/+$/, ''),
    oidc: readOidc(env),
  });
}
