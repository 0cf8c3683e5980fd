// The one place that wires Coverwise together: configuration → database → services → HTTP routes
// and jobs. Everything the app needs is built here and handed down explicitly.
import fs from 'node:fs';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type PgBoss from 'pg-boss';
import { registerAccountingRoutes } from './accounting/accounting.routes.js';
import { createAccountingService } from './accounting/accounting.service.js';
import { anomalyFlags } from './anomalies/anomalies.service.js';
import { registerAuthRoutes, SessionUserSchema } from './auth/auth.routes.js';
import { createAuthService } from './auth/auth.service.js';
import { createHolderSignInService } from './auth/holder-sign-in.service.js';
import { createMfaService } from './auth/mfa.service.js';
import { purgeSignInAttempts } from './auth/oidc.repository.js';
import { registerOidcRoutes } from './auth/oidc.routes.js';
import {
  benefitClaimReviewSource,
  RENTAL_CLAIM_REVIEW,
  TRIP_INTERRUPTION_CLAIM_REVIEW,
} from './benefits/benefit-claim.source.js';
import { registerBenefitClaimRoutes } from './benefits/benefit-claims.routes.js';
import { createBenefitClaimsService } from './benefits/benefit-claims.service.js';
import { createBusinessCalendar } from './calendar/business-days.js';
import { registerCancellationRoutes } from './cancellations/cancellations.routes.js';
import { createCancellationsService } from './cancellations/cancellations.service.js';
import { registerCatalogRoutes } from './catalog/catalog.routes.js';
import { createCatalogService } from './catalog/catalog.service.js';
import { registerCatalogDraftRoutes } from './catalog/catalog-draft.routes.js';
import { createCatalogDraftService } from './catalog/catalog-draft.service.js';
import type { Config } from './config.js';
import { failAbandonedImports } from './contracts/contract-import.js';
import { registerContractImportRoutes } from './contracts/contract-import.routes.js';
import { registerContractRoutes } from './contracts/contracts.routes.js';
import { createContractsService } from './contracts/contracts.service.js';
import { registerDashboardRoutes } from './dashboard/dashboard.routes.js';
import { registerDealerStatementRoutes } from './dealers/dealer-statements.routes.js';
import {
  createDealerStatementsService,
  EMBEDDED_CSV_BUFFER_BYTES,
} from './dealers/dealer-statements.service.js';
import { registerDealerRoutes } from './dealers/dealers.routes.js';
import { createDealersService } from './dealers/dealers.service.js';
import { seedDemoHistory } from './demo/demo-history.js';
import { seedDemoData } from './demo/demo-seed.js';
import { referencedSha256s } from './documents/document.repository.js';
import { registerDocumentRoutes } from './documents/documents.routes.js';
import { createDocumentsService } from './documents/documents.service.js';
import { createUploadPath } from './documents/upload-path.js';
import { createUploadThrottle } from './documents/upload-throttle.js';
import { registerEcontractRoutes } from './econtracts/econtracts.routes.js';
import { createEcontractsService } from './econtracts/econtracts.service.js';
import { registerContractFormRoutes } from './forms/contract-forms.routes.js';
import { createContractFormsService } from './forms/contract-forms.service.js';
import { registerFundingRoutes } from './funding/funding.routes.js';
import { createFundingService } from './funding/funding.service.js';
import { registerGapClaimRoutes } from './gap-claims/gap-claims.routes.js';
import { createGapClaimsService } from './gap-claims/gap-claims.service.js';
import { gapDocumentReviewSource } from './gap-claims/gap-document-review.source.js';
import { registerHelpRoutes } from './help/help.routes.js';
import { purgeEmailTokens } from './holder-accounts/holder-account.repository.js';
import { registerHolderAccountRoutes } from './holder-accounts/holder-account.routes.js';
import { createHolderAccountService } from './holder-accounts/holder-account.service.js';
import { registerLedgerRoutes } from './ledger/ledger.routes.js';
import { registerLenderEventRoutes } from './lender-events/lender-events.routes.js';
import { createLenderEventsService } from './lender-events/lender-events.service.js';
import { createMailer, startEmailWorker } from './notifications/mailer.js';
import { createOutbox } from './notifications/outbox.js';
import { registerOfacRoutes } from './ofac/ofac.routes.js';
import { createOfacService } from './ofac/ofac.service.js';
import { createPaymentDetailsService } from './payment-runs/payment-details.service.js';
import { registerPaymentRunRoutes } from './payment-runs/payment-runs.routes.js';
import { createPaymentRunsService } from './payment-runs/payment-runs.service.js';
import { SYSTEM_ACTOR } from './platform/audit/audit.repository.js';
import type { Clock } from './platform/clock.js';
import { systemClock } from './platform/clock.js';
import { type DatabaseHandle, openDatabase } from './platform/db/database.js';
import { maintainDatabase } from './platform/db/maintenance.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { createHttpServer } from './platform/http/http-server.js';
import { purgeExpiredIdempotencyKeys } from './platform/http/idempotency.js';
import { registerOpenApi } from './platform/http/openapi.js';
import { ProblemSchema } from './platform/http/schemas.js';
import { registerSystemRoutes } from './platform/http/system.routes.js';
import { asTypedApp } from './platform/http/typed-app.js';
import { registerWebApp, spaFallback, webAppAvailable } from './platform/http/web-app.js';
import { type JobRunner, type RecurringJob, startJobs } from './platform/jobs/jobs.js';
import { createMetrics } from './platform/metrics/metrics.js';
import {
  jobQueueWaiting,
  overdueDocumentReviews,
  runningImports,
} from './platform/metrics/metrics.repository.js';
import { registerMetricsRoutes } from './platform/metrics/metrics.routes.js';
import { createDatabaseRateLimiter, createMemoryRateLimiter } from './platform/rate-limit.js';
import { openDocumentStore } from './platform/storage/open-document-store.js';
import { tagRequestSpans } from './platform/telemetry/request-span.js';
import { registerRateRoutes } from './rating/rates.routes.js';
import { createRatesService } from './rating/rates.service.js';
import { repairClaimDecisionSource } from './repair-claims/repair-claim.source.js';
import { registerRepairClaimRoutes } from './repair-claims/repair-claims.routes.js';
import { createRepairClaimsService } from './repair-claims/repair-claims.service.js';
import { registerRepairFacilityRoutes } from './repair-facilities/repair-facilities.routes.js';
import { createRepairFacilitiesService } from './repair-facilities/repair-facilities.service.js';
import { registerReportRoutes } from './reports/reports.routes.js';
import { nightlyAsOf, storeUnearnedReserveSnapshot } from './reports/reports.service.js';
import { registerRoadsideRoutes } from './roadside/roadside.routes.js';
import { createRoadsideService } from './roadside/roadside.service.js';
import { registerSearchRoutes } from './search/search.routes.js';
import { createSearchService } from './search/search.service.js';
import { DEALER_KEY_PREFIX } from './shared/principal.js';
import { registerTransferRoutes } from './transfers/transfers.routes.js';
import { createTransfersService } from './transfers/transfers.service.js';
import { registerUserRoutes } from './users/users.routes.js';
import { createUsersService } from './users/users.service.js';
import {
  createDeliveryQueue,
  dispatchPendingEvents,
  pgBossQueue,
  startWebhookWorker,
} from './webhooks/webhook-delivery.js';
import { registerWebhookRoutes } from './webhooks/webhooks.routes.js';
import { registerWhatIfRoutes } from './what-if/what-if.routes.js';
import { registerMyWorkRoutes } from './work-queue/my-work.routes.js';
import { createMyWorkService } from './work-queue/my-work.service.js';
import { assignmentsFor } from './work-queue/work-assignment.repository.js';
import { registerWorkAssignmentRoutes } from './work-queue/work-assignment.routes.js';
import { createWorkAssignmentService } from './work-queue/work-assignment.service.js';
import { createWorkQueue } from './work-queue/work-queue.js';
import { registerWorkQueueRoutes } from './work-queue/work-queue.routes.js';

function readVersion(): string {
  // src/app.ts and dist/src/app.js sit at different depths below package.json.
  for (const relative of ['../package.json', '../../package.json']) {
    const file = new URL(relative, import.meta.url);
    if (fs.existsSync(file))
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

export const VERSION = readVersion();

/**
 * Age below which the orphan sweep leaves a file alone: an upload being streamed or being recorded by
 * another process sharing the folder is younger than this.
 */
const ORPHAN_FILE_GRACE_MS = 3_600_000;

export interface BuiltApp {
  readonly app: FastifyInstance;
  readonly database: DatabaseHandle;
  readonly jobs: JobRunner | null;
  close(): Promise<void>;
}

export interface BuildOptions {
  clock?: Clock;
  /** Start pg-boss (queue and, with config.runJobs, the workers). Tests that need no jobs turn it off. */
  startJobs?: boolean;
  /** Extra routes registered before the app is sealed (test harnesses use it for a deliberately slow route). */
  extraRoutes?: (app: FastifyInstance) => void;
  /** Which process this is, for the metrics' `process` label (web by default). */
  processKind?: 'web' | 'worker';
  /** Tracing started before the app was loaded (src/platform/telemetry/tracing.ts); flushed on close. */
  tracing?: { shutdown(): Promise<void> } | null;
  /** An in-memory PGlite starts from this data-folder image (see DatabaseOptions.pgliteImage). */
  pgliteImage?: Blob;
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<BuiltApp> {
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics({ process: options.processKind ?? 'web' });
  // A connection the database server drops (a restart, a failover) is logged, never fatal: requests
  // answer 503 database_unavailable until the server is back, then carry on without a restart.
  let log: FastifyBaseLogger | null = null;
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (error) =>
      log?.warn(
        { err: { message: error.message, code: (error as { code?: string }).code } },
        'database connection lost',
      ),
    onQuery: (durationMs, failed) => metrics.observeQuery(durationMs, failed),
    pgliteCacheMb: config.pgliteCacheMb,
    ...(options.pgliteImage ? { pgliteImage: options.pgliteImage } : {}),
  });
  try {
    const { db } = database;
    await migrateToLatest(db);

    const users = createUsersService({ db, clock });
    // Sign-in back-off per key and client address: free tries, then waits doubling up to the maximum;
    // a key quiet for a day starts again (the purge job forgets day-old buckets).
    const signInBackoff = (freeAttempts: number) => ({
      freeAttempts,
      baseDelaySeconds: config.signInBackoffBaseSeconds,
      maxDelaySeconds: Math.max(config.signInBackoffBaseSeconds, config.signInBackoffMaxSeconds),
      resetAfterSeconds: 86_400,
    });
    // Sign-in attempts are counted where every process that serves sign-ins sees them: the database on
    // a shared server, this process on the embedded database (its data folder is locked to it).
    const rateLimiter =
      database.engine === 'pglite' ? createMemoryRateLimiter() : createDatabaseRateLimiter(db);
    // Wrong two-step codes back off per user like passwords per account and address.
    const mfa = createMfaService({
      db,
      clock,
      rateLimiter,
      codeRule: signInBackoff(config.staffAttemptsPerEmail),
    });
    const auth = createAuthService({
      mfa,
      requireMfaForAdmins: config.requireMfa,
      rateLimiter,
      db,
      clock,
      sessionTtlHours: config.sessionTtlHours,
      sessionCacheSeconds: config.sessionCacheSeconds,
      loginLimits: {
        perEmailAndAddress: signInBackoff(config.staffAttemptsPerEmail),
        perAddress: {
          limit: config.staffAttemptsPerAddress,
          windowSeconds: config.staffAttemptWindowSeconds,
        },
        attackAlert: {
          limit: config.staffAttackAlertFailures,
          windowSeconds: config.staffAttemptWindowSeconds,
        },
      },
    });
    const catalog = createCatalogService({ db });
    // Dealer API keys: looked up on every request (a revocation holds at once on every process) and
    // counted per key in the same limiter as sign-ins.
    const dealers = createDealersService({
      db,
      clock,
      rateLimiter,
      keyLimit: { limit: config.dealerKeyRequestsPerMinute, windowSeconds: 60 },
      // One process per embedded data folder: it alone revokes keys, so it may keep them (exactly).
      cacheKeysInProcess: database.engine === 'pglite',
      // On a server the limiter's counters are in the database: the key's read counts its use too.
      countUseInKeyLookup: database.engine !== 'pglite',
    });
    // Imports left running by a process that died are marked failed: at start all of them on the
    // embedded database (its data folder is locked to this process), and on a shared server those
    // silent too long to be alive (the recurring job below catches the rest).
    const silentImportsSince = () => new Date(clock.now().getTime() - config.importAbandonedAfterMs);
    await failAbandonedImports(db, clock, database.engine === 'pglite' ? clock.now() : silentImportsSince());
    // Files no documents row names (uploads of a crashed process, a commit that failed after its file
    // was promoted) are swept at start: all of them on the embedded database with the folder store (its
    // data folder is locked to this process), only hour-old ones when other processes may share the
    // store; and hourly. With COVERWISE_S3_BUCKET the files are in that bucket (several machines).
    const documentStore = await openDocumentStore(config);
    const sweepDocuments = (olderThanMs: number) =>
      documentStore.sweepOrphans((keys) => referencedSha256s(db, keys), olderThanMs, clock.now().getTime());
    await sweepDocuments(database.engine === 'pglite' && !config.s3 ? 0 : ORPHAN_FILE_GRACE_MS);
    const uploadThrottle = createUploadThrottle({
      rateLimiter,
      clock,
      limits: {
        perOwner: { limit: config.uploadsPerClaim, windowSeconds: config.uploadWindowSeconds },
        perAddress: { limit: config.uploadsPerAddress, windowSeconds: config.uploadWindowSeconds },
      },
    });
    // Every upload (GAP claim documents, transfer records, benefit receipts) takes this one path:
    // throttled, size-capped, type-sniffed and, with COVERWISE_CLAMD_URL, virus-scanned before it is stored.
    const uploads = createUploadPath({
      store: documentStore,
      maxBytes: config.uploadMaxBytes,
      clamd: config.clamdUrl,
      scanSpoolDir: `${config.documentsDir}/scan`,
      throttle: uploadThrottle,
    });
    const contracts = createContractsService({ db, clock, catalog, timeZone: config.timeZone });
    const rates = createRatesService({
      db,
      clock,
      catalog,
      timeZone: config.timeZone,
      quoteRetentionDays: config.rateQuoteRetentionDays,
    });
    const forms = createContractFormsService({ db, clock, contracts });
    const econtracts = createEcontractsService({ db, clock, catalog, contracts, timeZone: config.timeZone });
    const repairClaims = createRepairClaimsService({ db, clock, catalog, timeZone: config.timeZone });
    const businessCalendar = createBusinessCalendar({
      timeZone: config.timeZone,
      cutoffMinutes: config.businessDayCutoffMinutes,
    });
    const benefitClaims = createBenefitClaimsService({
      timeZone: config.timeZone,
      db,
      clock,
      catalog,
      calendar: businessCalendar,
      reviewBusinessDays: config.documentReviewBusinessDays,
    });
    const roadside = createRoadsideService({ db, clock, catalog, timeZone: config.timeZone });
    const cancellations = createCancellationsService({ db, clock, catalog, timeZone: config.timeZone });
    const lenderEvents = createLenderEventsService({
      db,
      clock,
      cancellations,
      timeZone: config.timeZone,
      inlineMaxRows: config.lenderEventsInlineRows,
      concurrentBatches: database.engine === 'pglite' ? 1 : 2,
    });
    const transfers = createTransfersService({ db, clock, catalog, timeZone: config.timeZone });
    const accounting = createAccountingService({ db, clock, catalog, timeZone: config.timeZone });
    const ofac = createOfacService({ db, clock, matchThreshold: config.payments.ofacMatchThreshold });
    const paymentDetails = createPaymentDetailsService({
      db,
      clock,
      timeZone: config.timeZone,
      form1099ThresholdCents: config.payments.form1099ThresholdCents,
    });
    const holderSignIn = createHolderSignInService({
      db,
      clock,
      auth,
      limits: {
        perVinAndAddress: signInBackoff(config.holderAttemptsPerVin),
        perAddress: {
          limit: config.holderAttemptsPerAddress,
          windowSeconds: config.holderAttemptWindowSeconds,
        },
      },
      throttleEnabled: config.holderThrottle,
      rateLimiter,
    });

    // GAP claims, document reviews, the work queue and holder emails (the GAP Claims Center issue).
    const outbox = createOutbox({ clock });
    // Holder accounts (issue 19): emailed links throttled like holder sign-in, in the same counters.
    const holderAccounts = createHolderAccountService({
      db,
      clock,
      auth,
      outbox,
      limits: {
        perEmailAndAddress: signInBackoff(config.holderAttemptsPerVin),
        perAddress: {
          limit: config.holderAttemptsPerAddress,
          windowSeconds: config.holderAttemptWindowSeconds,
        },
      },
      linkMinutes: config.holderLinkMinutes,
      publicUrl: config.publicUrl,
      throttleEnabled: config.holderThrottle,
      rateLimiter,
    });
    // Staff single sign-on (issue 20) when the COVERWISE_OIDC_* settings are given (its OIDC client
    // library is loaded only then).
    const oidc = config.oidc
      ? (await import('./auth/oidc.service.js')).createOidcService({ db, clock, auth, settings: config.oidc })
      : null;
    const funding = createFundingService({
      db,
      clock,
      timeZone: config.timeZone,
      remittanceDays: config.fundingRemittanceDays,
      outbox,
    });
    const gapClaims = createGapClaimsService({
      db,
      clock,
      catalog,
      calendar: createBusinessCalendar({
        timeZone: config.timeZone,
        cutoffMinutes: config.businessDayCutoffMinutes,
      }),
      timeZone: config.timeZone,
      reviewBusinessDays: config.documentReviewBusinessDays,
      outbox,
      approvalLimitCents: config.approvalLimitCents,
      publicUrl: config.publicUrl,
    });
    const paymentSettings = {
      ach: {
        odfiRoutingNumber: config.payments.odfiRoutingNumber,
        destinationName: config.payments.odfiName,
        immediateOrigin: config.payments.companyId,
        originName: config.payments.companyName,
        companyId: config.payments.companyId,
        companyName: config.payments.companyName,
        entryDescription: 'CLAIMS',
      },
      checkAccountNumber: config.payments.checkAccountNumber,
    };
    const paymentRuns = createPaymentRunsService({
      db,
      clock,
      timeZone: config.timeZone,
      ofac,
      // An approved GAP benefit is a payable of a run; paying it makes the claim paid.
      gapBenefits: gapClaims,
      settings: paymentSettings,
    });
    const documents = createDocumentsService({
      db,
      clock,
      timeZone: config.timeZone,
      store: documentStore,
      owners: { gap_claim: gapClaims.documentOwner },
    });
    const workQueue = createWorkQueue({
      db,
      ownersFor: (items) => assignmentsFor(db, items),
      sources: [
        gapDocumentReviewSource(catalog),
        repairClaimDecisionSource(businessCalendar, 1),
        benefitClaimReviewSource(RENTAL_CLAIM_REVIEW),
        benefitClaimReviewSource(TRIP_INTERRUPTION_CLAIM_REVIEW),
      ],
    });

    await catalog.ensureDefault();
    let demoHistory: Awaited<ReturnType<typeof seedDemoHistory>> = null;
    let demoHistoryMs = 0;
    if (config.demo) {
      await seedDemoData(db, { catalog, clock, timeZone: config.timeZone });
      // A year of history through the services, once (issue 19: every dashboard chart has data).
      const historyStarted = performance.now();
      if (config.demoHistory)
        demoHistory = await seedDemoHistory(db, {
          catalog,
          clock,
          timeZone: config.timeZone,
          store: documentStore,
          outbox,
          publicUrl: config.publicUrl,
          reviewBusinessDays: config.documentReviewBusinessDays,
          cutoffMinutes: config.businessDayCutoffMinutes,
          approvalLimitCents: config.approvalLimitCents,
          transactionWithCopy: database.transactionWithCopy,
          fundingRemittanceDays: config.fundingRemittanceDays,
          payments: { ofacMatchThreshold: config.payments.ofacMatchThreshold, settings: paymentSettings },
        });
      demoHistoryMs = Math.round(performance.now() - historyStarted);
    }
    if (config.adminEmail && config.adminPassword)
      await users.ensureAdmin(config.adminEmail, config.adminPassword);

    const serveWeb = webAppAvailable(config.webDir);
    const app = await createHttpServer({
      logLevel: config.logLevel,
      trustProxy: config.trustProxy,
      behindTls: config.behindTls,
      authenticate: (token) =>
        token.startsWith(DEALER_KEY_PREFIX) ? dealers.authenticateKey(token) : auth.authenticate(token),
      uploadMaxBytes: config.uploadMaxBytes,
      ...(serveWeb ? { notFoundFallback: spaFallback } : {}),
    });
    log = app.log;
    if (demoHistory) app.log.info({ demoHistory, ms: demoHistoryMs }, 'demo history written');
    metrics.installHttpHooks(app);
    // The request id goes on the request's span when there are spans (tracing on); else no hook.
    if (options.tracing) tagRequestSpans(app);
    metrics.attachDatabase({
      pool: database.poolStats,
      queues: () => jobQueueWaiting(db),
      overdueReviews: () => overdueDocumentReviews(db, documents.today()),
      runningImports: () => runningImports(db),
    });
    app.addSchema(ProblemSchema);
    app.addSchema(SessionUserSchema);
    await registerOpenApi(app, VERSION);

    const api = asTypedApp(app);
    registerSystemRoutes(api, { db, engine: database.engine, version: VERSION });
    registerMetricsRoutes(api, { metrics, token: config.metricsToken });
    registerAuthRoutes(api, {
      auth,
      holderSignIn,
      mfa,
      requireMfaForAdmins: config.requireMfa,
      secureCookies: config.behindTls,
      db,
      clock,
    });
    registerOidcRoutes(api, { oidc, secureCookies: config.behindTls });
    registerHolderAccountRoutes(api, { holderAccounts, secureCookies: config.behindTls });
    registerUserRoutes(api, { users, db, clock });
    registerCatalogRoutes(api, { catalog, db, clock });
    registerCatalogDraftRoutes(api, { drafts: createCatalogDraftService({ db, catalog, clock }), db, clock });
    registerContractRoutes(api, { contracts, db, clock });
    registerDealerRoutes(api, { dealers, db, clock });
    registerDealerStatementRoutes(api, {
      statements: createDealerStatementsService({
        db,
        clock,
        timeZone: config.timeZone,
        ...(database.engine === 'pglite' ? { csvBufferBytes: EMBEDDED_CSV_BUFFER_BYTES } : {}),
      }),
      db,
      clock,
    });
    registerRateRoutes(api, { rates });
    registerEcontractRoutes(api, { econtracts, contracts, db, clock });
    registerContractFormRoutes(api, { forms, db, clock });
    registerContractImportRoutes(api, {
      db,
      transactionWithCopy: database.transactionWithCopy,
      catalog,
      clock,
      timeZone: config.timeZone,
      progressObserver: metrics.importProgress,
    });
    registerRepairFacilityRoutes(api, { repairFacilities: createRepairFacilitiesService({ db }), db, clock });
    registerAccountingRoutes(api, { accounting, db, clock });
    registerPaymentRunRoutes(api, {
      paymentRuns,
      paymentDetails,
      db,
      clock,
    });
    registerOfacRoutes(api, { ofac, db, clock });
    registerRepairClaimRoutes(api, { repairClaims, db, clock });
    registerRoadsideRoutes(api, { roadside, db, clock });
    registerBenefitClaimRoutes(api, {
      benefitClaims,
      repairClaims,
      roadside,
      db,
      clock,
      uploads,
    });
    registerCancellationRoutes(api, { cancellations, db, clock });
    registerLenderEventRoutes(api, { lenderEvents, db, clock });
    registerFundingRoutes(api, { funding });
    registerTransferRoutes(api, {
      transfers,
      db,
      clock,
      uploads,
      forgetCachedSessions: auth.forgetCachedSessions,
    });
    registerLedgerRoutes(api, { db });
    registerGapClaimRoutes(api, {
      gapClaims,
      holderSignIn,
      uploads,
      db,
      clock,
      secureCookies: config.behindTls,
    });
    registerDocumentRoutes(api, { documents, db, clock });
    registerWorkQueueRoutes(api, {
      workQueue,
      today: documents.today,
      flagsFor: (items) => anomalyFlags(db, items, config.timeZone),
    });
    registerWorkAssignmentRoutes(api, { assignments: createWorkAssignmentService({ db, clock }), db, clock });
    registerMyWorkRoutes(api, {
      myWork: createMyWorkService({ db, clock, workQueue, today: documents.today }),
    });
    registerSearchRoutes(api, { search: createSearchService({ db }) });
    registerReportRoutes(api, { db, today: documents.today, timeZone: config.timeZone });
    registerWebhookRoutes(api, { db, clock, allowList: config.webhookAllowList });
    registerHelpRoutes(api, {
      catalog,
      settings: {
        supportPhone: config.supportPhone,
        supportHours: config.supportHours,
        roadsidePhone: config.roadsidePhone,
        documentReviewBusinessDays: config.documentReviewBusinessDays,
      },
    });
    registerDashboardRoutes(api, { db, today: documents.today, timeZone: config.timeZone });
    registerWhatIfRoutes(api, { db, catalog, today: documents.today });
    if (serveWeb) await registerWebApp(app, config.webDir as string);
    else if (config.webDir)
      app.log.warn(`The web app is not built (no index.html in ${config.webDir}); run "npm run build:web".`);

    options.extraRoutes?.(app);
    await app.ready();

    // Webhook events wait in their outbox table until the job queue is up; see webhook-delivery.ts.
    let webhookBoss: PgBoss | null = null;
    const recurring: RecurringJob[] = [
      {
        name: 'dispatch-webhook-events',
        cron: '* * * * *',
        description: 'Queues one signed delivery per committed webhook event and subscribed endpoint',
        run: async () => (webhookBoss ? dispatchPendingEvents(db, pgBossQueue(webhookBoss)) : undefined),
      },
      {
        name: 'purge-expired-sessions-and-keys',
        cron: '*/15 * * * *',
        description: 'Deletes sessions that ended a day ago and idempotency records past their retention',
        run: async () => ({
          sessionsPurged: await auth.purge(),
          ssoAttemptsPurged: await purgeSignInAttempts(db, new Date(clock.now().getTime() - 86_400_000)),
          holderLinksPurged: await purgeEmailTokens(db, new Date(clock.now().getTime() - 86_400_000)),
          idempotencyKeysPurged: await purgeExpiredIdempotencyKeys(db, clock.now()),
          rateLimitBucketsPurged: await rateLimiter.purge(new Date(clock.now().getTime() - 86_400_000)),
        }),
      },
      {
        name: 'purge-expired-rate-quotes',
        cron: '41 3 * * *',
        description:
          'Deletes rate quotes that never booked, COVERWISE_RATE_QUOTE_RETENTION_DAYS after their validity ended (in batches, each audited with its count)',
        run: async () => ({ rateQuotesPurged: await rates.purgeExpired() }),
      },
      {
        name: 'fail-abandoned-imports',
        cron: '*/5 * * * *',
        description:
          'Marks dealer-file imports that wrote no batch for COVERWISE_IMPORT_ABANDONED_AFTER_SECONDS (their process died) as failed',
        run: async () => ({
          importsFailed: (await failAbandonedImports(db, clock, silentImportsSince())).length,
        }),
      },
      {
        name: 'sweep-orphan-documents',
        cron: '23 * * * *',
        description:
          'Removes stored files no documents row names and staged uploads, both older than an hour',
        run: async () => ({ ...(await sweepDocuments(ORPHAN_FILE_GRACE_MS)) }),
      },
      {
        name: 'escalate-overdue-document-reviews',
        cron: '*/15 * * * *',
        description: 'Marks document reviews past their due date as escalated and audits each once',
        run: async () => {
          const reviewsEscalated = await documents.escalateOverdue();
          metrics.reviewsEscalated(reviewsEscalated);
          return { reviewsEscalated };
        },
      },
      {
        name: 'earn-premium-month-end',
        cron: '0 8 1 * *',
        description:
          "Earns last month's premium: one journal entry per plan and state from unearned to earned (set-based; a month posts once)",
        run: async () => ({ ...(await accounting.runMonthEnd({ actor: SYSTEM_ACTOR })) }),
      },
      {
        name: 'email-funding-reconciliation',
        cron: '0 12 * * *',
        description:
          "Reconciles each lender's newest funded-deals upload and emails each dealer its exceptions and the lender the report",
        run: async () => ({ ...(await funding.emailReports()) }),
      },
      {
        name: 'snapshot-unearned-reserve',
        cron: '0 7 * * *',
        description:
          'Stores the unearned-reserve report as of the business day that just ended (one SQL query)',
        run: async () =>
          storeUnearnedReserveSnapshot(db, nightlyAsOf(clock, config.timeZone), config.timeZone),
      },
      // PGlite runs no autovacuum: its tables are vacuumed and analyzed by this job, by autovacuum's rules
      // (platform/db/maintenance.ts). A PostgreSQL server does this itself.
      ...(database.engine === 'pglite'
        ? [
            {
              name: 'maintain-embedded-database',
              cron: '* * * * *',
              description:
                "Vacuums and analyzes the embedded database's tables that autovacuum's rules say are due (PGlite has no autovacuum)",
              run: async () => {
                const done = await maintainDatabase(db);
                return done.vacuumed.length + done.analyzed.length > 0 ? done : undefined;
              },
            },
          ]
        : []),
    ];
    const jobs =
      options.startJobs === false
        ? null
        : await startJobs({
            executeSql: database.executeSql,
            logger: app.log,
            recurring,
            runWorkers: config.runJobs,
          });

    if (jobs) {
      // The outbox queues holder emails in each change's transaction; the worker sends them.
      await outbox.attach(jobs.boss);
      await lenderEvents.attach(jobs.boss, config.runJobs);
      await createDeliveryQueue(jobs.boss);
      webhookBoss = jobs.boss;
      if (config.runJobs)
        await startWebhookWorker(jobs.boss, { db, clock, allowList: config.webhookAllowList });
      if (config.runJobs) {
        const mailer = createMailer({
          smtpUrl: config.smtpUrl,
          from: config.mailFrom,
          outboxDir: config.outboxDir,
        });
        await startEmailWorker(jobs.boss, mailer, app.log);
      }
    }

    let closing: Promise<void> | null = null;
    return {
      app,
      database,
      jobs,
      close() {
        closing ??= (async () => {
          // Stop taking requests and let in-flight ones finish, then stop jobs, then the database.
          await app.close();
          await jobs?.stop();
          await database.close();
          await options.tracing?.shutdown();
        })();
        return closing;
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
