// Configuration comes from the environment, is validated once at start-up, and is then a frozen,
// typed object. A bad value stops start-up with a message that names the variable.
import path from 'node:path';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL server URL; null means the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly adminEmail: string | null;
  readonly adminPassword: string | null;
  /** Seed demo catalog, contracts and users into an empty database. */
  readonly demo: boolean;
  /** The administrator's business time zone (IANA name). */
  readonly timeZone: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly sessionTtlHours: number;
  /** Seconds a process may reuse a looked-up session (other processes see a sign-out at most this late). */
  readonly sessionCacheSeconds: number;
  /** A running import that wrote no batch for this long is taken as abandoned (its process died). */
  readonly importAbandonedAfterMs: number;
  /** Run the pg-boss job processors in this process. */
  readonly runJobs: boolean;
  /** True when the app sits behind a TLS-terminating proxy (enables HSTS and Secure cookies). */
  readonly behindTls: boolean;
  readonly trustProxy: boolean;
  /** Folder of the content-addressed document store. */
  readonly documentsDir: string;
  /** Largest uploaded file accepted, in bytes. */
  readonly uploadMaxBytes: number;
  /** Holder sign-in and GAP claim start attempts allowed per VIN / per client address in a window. */
  readonly holderAttemptsPerVin: number;
  readonly holderAttemptsPerAddress: number;
  readonly holderAttemptWindowSeconds: number;
  /** Holder sign-in throttling on (the default). Off only for benchmarks (COVERWISE_HOLDER_THROTTLE=0). */
  readonly holderThrottle: boolean;
  /** Staff sign-in attempts allowed per email / per client address in a window (COVERWISE_STAFF_ATTEMPTS_*). */
  readonly staffAttemptsPerEmail: number;
  /** Requests one dealer API key may make per minute (every process shares the count on a server). */
  readonly dealerKeyRequestsPerMinute: number;
  readonly staffAttemptsPerAddress: number;
  readonly staffAttemptWindowSeconds: number;
  /** Folder holding the built web app; null when it is not served. */
  readonly webDir: string | null;
  /** GAP document reviews: due this many business days after the business day of receipt (DOMAIN.md). */
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
  readonly supportHours: string;
  readonly roadsidePhone: string;
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
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL such as smtp://user:password@mail.example.com:587');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError(name, `must start with smtp:// or smtps://, got "${url.protocol}//"`);
  }
  return raw;
}

function readDatabaseUrl(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL such as postgres://user@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, `must start with postgres:// or postgresql://, got "${url.protocol}//"`);
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
  const webDir =
    env.COVERWISE_WEB_DIR === 'none' ? null : path.resolve(cwd, env.COVERWISE_WEB_DIR || 'dist/web');

  return Object.freeze({
    port: readInteger(env, 'PORT', 3000, 0, 65_535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir: path.resolve(cwd, env.COVERWISE_DATA_DIR || './data'),
    adminEmail: adminEmail?.toLowerCase() ?? null,
    adminPassword,
    // Demo data is on by default for the embedded database (a newcomer's first run) and off for a server.
    demo: readBoolean(env, 'COVERWISE_DEMO', databaseUrl === null),
    timeZone: readTimeZone(env, 'COVERWISE_TIMEZONE', 'America/New_York'),
    logLevel,
    sessionTtlHours: readInteger(env, 'COVERWISE_SESSION_TTL_HOURS', 12, 1, 24 * 30),
    sessionCacheSeconds: readInteger(env, 'COVERWISE_SESSION_CACHE_SECONDS', 5, 0, 60),
    importAbandonedAfterMs:
      readInteger(env, 'COVERWISE_IMPORT_ABANDONED_AFTER_SECONDS', 900, 1, 86_400) * 1000,
    runJobs: readBoolean(env, 'COVERWISE_RUN_JOBS', true),
    behindTls: readBoolean(env, 'COVERWISE_BEHIND_TLS', false),
    trustProxy: readBoolean(env, 'COVERWISE_TRUST_PROXY', false),
    documentsDir: path.resolve(
      cwd,
      env.COVERWISE_DOCUMENTS_DIR || path.join(env.COVERWISE_DATA_DIR || './data', 'documents'),
    ),
    uploadMaxBytes: readInteger(env, 'COVERWISE_UPLOAD_MAX_MB', 25, 1, 2048) * 1024 * 1024,
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
    supportPhone: env.COVERWISE_SUPPORT_PHONE || '1-800-555-0142',
    supportHours:
      env.COVERWISE_SUPPORT_HOURS || 'Monday–Friday 8 a.m.–8 p.m. Eastern, Saturday 9 a.m.–1 p.m.',
    roadsidePhone: env.COVERWISE_ROADSIDE_PHONE || '1-800-555-0199 (24 hours a day)',
  });
}
