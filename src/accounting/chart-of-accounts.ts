// The chart of accounts of the administrator's general ledger (docs/domain.md "Money of the administrator",
// "Books"). Migration 0021 creates the same rows in gl_accounts; a new account is a migration.

export const ACCOUNTS = {
  cash: '1000',
  dealerReceivable: '1100',
  /** Premium of contracts that put no line on a dealer statement (no dealer account, or no dealer cost). */
  premiumReceivableOffStatement: '1110',
  dealerChargebacks: '1150',
  unearnedPremium: '2000',
  claimsPayable: '2100',
  refundsPayable: '2200',
  earnedPremium: '4000',
  feeRevenue: '4100',
  claimsExpense: '5000',
} as const;

export type AccountCode = (typeof ACCOUNTS)[keyof typeof ACCOUNTS];
