// Every migration, in order. A static list (rather than reading a folder at run time) keeps the
// compiled server and the TypeScript sources in step and lets the bundle know all of them.
import type { Migration } from 'kysely';
import * as m0001 from './0001-foundation.js';
import * as m0002 from './0002-catalog-and-contracts.js';
import * as m0003 from './0003-ledger-and-documents.js';
import * as m0004 from './0004-cancellations-transfers.js';
import * as m0005 from './0005-repair-claims-benefits.js';
import * as m0006 from './0006-gap-claims.js';
import * as m0007 from './0007-reports.js';
import * as m0008 from './0008-dashboard.js';
import * as m0009 from './0009-webhooks.js';
import * as m0010 from './0010-import-heartbeat.js';
import * as m0011 from './0011-unlogged-rate-limits.js';
import * as m0012 from './0012-contract-reference-checks.js';
import * as m0014 from './0014-sign-in-alerts.js';
import * as m0016 from './0016-dealer-channel.js';
import * as m0018 from './0018-payment-approvals.js';
import * as m0021 from './0021-general-ledger.js';
import * as m0023 from './0023-staff-mfa.js';
import * as m0024 from './0024-dealer-statements.js';
import * as m0025 from './0025-payment-runs.js';
import * as m0026 from './0026-lender-events.js';
import * as m0027 from './0027-staff-work.js';
import * as m0028 from './0028-holder-accounts-and-sso.js';
import * as m0030 from './0030-catalog-drafts.js';
import * as m0031 from './0031-rate-quotes.js';
import * as m0034 from './0034-gap-benefit-payables.js';
import * as m0036 from './0036-holder-language.js';
import * as m0039 from './0039-journal-balance-per-statement.js';
import * as m0040 from './0040-rate-quote-expiry-index.js';
import * as m0041 from './0041-benefit-claim-review-due.js';
import * as m0042 from './0042-cancellation-journal-entry.js';
import * as m0043 from './0043-rate-quotes-json.js';
import * as m0044 from './0044-rate-limits-hot-updates.js';
import * as m0045 from './0045-lender-refunds-on-cancellations.js';
import * as m0046 from './0046-rate-limits-failed-at.js';
import * as m0047 from './0047-contract-status-claimed.js';
import * as m0048 from './0048-contract-import-failure.js';
import * as m0049 from './0049-benefit-claim-decisions.js';
import * as m0050 from './0050-ofac-one-hold-per-payable.js';
import * as m0051 from './0051-lender-event-csv-columns.js';
import * as m0052 from './0052-dealer-contracts-order-index.js';
import * as m0053 from './0053-ofac-decided-after-approval.js';
import * as m0054 from './0054-premium-receivable-off-statement.js';
import * as m0055 from './0055-transfer-closed.js';

export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-catalog-and-contracts': m0002,
  '0003-ledger-and-documents': m0003,
  '0004-cancellations-transfers': m0004,
  '0005-repair-claims-benefits': m0005,
  '0006-gap-claims': m0006,
  '0007-reports': m0007,
  '0008-dashboard': m0008,
  '0009-webhooks': m0009,
  '0010-import-heartbeat': m0010,
  '0011-unlogged-rate-limits': m0011,
  '0012-contract-reference-checks': m0012,
  '0014-sign-in-alerts': m0014,
  '0016-dealer-channel': m0016,
  '0018-payment-approvals': m0018,
  '0021-general-ledger': m0021,
  '0023-staff-mfa': m0023,
  '0024-dealer-statements': m0024,
  '0025-payment-runs': m0025,
  '0026-lender-events': m0026,
  '0027-staff-work': m0027,
  '0028-holder-accounts-and-sso': m0028,
  '0030-catalog-drafts': m0030,
  '0031-rate-quotes': m0031,
  '0034-gap-benefit-payables': m0034,
  '0036-holder-language': m0036,
  '0039-journal-balance-per-statement': m0039,
  '0040-rate-quote-expiry-index': m0040,
  '0041-benefit-claim-review-due': m0041,
  '0042-cancellation-journal-entry': m0042,
  '0043-rate-quotes-json': m0043,
  '0044-rate-limits-hot-updates': m0044,
  '0045-lender-refunds-on-cancellations': m0045,
  '0046-rate-limits-failed-at': m0046,
  '0047-contract-status-claimed': m0047,
  '0048-contract-import-failure': m0048,
  '0049-benefit-claim-decisions': m0049,
  '0050-ofac-one-hold-per-payable': m0050,
  '0051-lender-event-csv-columns': m0051,
  '0052-dealer-contracts-order-index': m0052,
  '0053-ofac-decided-after-approval': m0053,
  '0054-premium-receivable-off-statement': m0054,
  '0055-transfer-closed': m0055,
};
