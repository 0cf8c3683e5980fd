// The dealer statements tied to the books (docs/domain.md "Books"): what each dealer's statement says it
// owes against what the books hold for it on the dealer receivable and chargebacks receivable (1100 +
// 1150, by the dealer code every line on them keeps). They agree when every posting that moves a dealer's
// account also puts its line on the statement; a difference names the dealer to look at. Pure.

export interface DealerStatementBalance {
  id: string;
  code: string;
  name: string;
  balanceCents: number;
}

export interface DealerLedgerBalance {
  /** Null: lines on the dealer accounts that name no dealer. */
  dealerCode: string | null;
  netCents: number;
}

export interface DealerReconciliationRow {
  /** Null when the books name a dealer code no dealer account has (or no dealer). */
  dealerId: string | null;
  dealerCode: string | null;
  dealerName: string | null;
  statementBalanceCents: number;
  ledgerBalanceCents: number;
  differenceCents: number;
}

export interface DealerReconciliation {
  dealers: DealerReconciliationRow[];
  totals: { statementBalanceCents: number; ledgerBalanceCents: number; differenceCents: number };
  /** Every dealer's statement agrees with the books (and no line sits on a dealer the statements lack). */
  tiesOut: boolean;
}

/**
 * One row per dealer account, plus one per dealer code the books hold that no account has (a row that
 * only the books have); rows where both sides are zero for a code without an account are left out.
 * Ordered by dealer code, the rows naming no dealer last.
 */
export function reconcileDealerAccounts(
  statements: readonly DealerStatementBalance[],
  ledger: readonly DealerLedgerBalance[],
): DealerReconciliation {
  const ledgerByCode = new Map<string | null, number>();
  for (const row of ledger)
    ledgerByCode.set(row.dealerCode, (ledgerByCode.get(row.dealerCode) ?? 0) + row.netCents);
  const rows: DealerReconciliationRow[] = statements.map((dealer) => {
    const ledgerBalanceCents = ledgerByCode.get(dealer.code) ?? 0;
    ledgerByCode.delete(dealer.code);
    return {
      dealerId: dealer.id,
      dealerCode: dealer.code,
      dealerName: dealer.name,
      statementBalanceCents: dealer.balanceCents,
      ledgerBalanceCents,
      differenceCents: ledgerBalanceCents - dealer.balanceCents,
    };
  });
  for (const [dealerCode, ledgerBalanceCents] of ledgerByCode) {
    if (ledgerBalanceCents === 0) continue;
    rows.push({
      dealerId: null,
      dealerCode,
      dealerName: null,
      statementBalanceCents: 0,
      ledgerBalanceCents,
      differenceCents: ledgerBalanceCents,
    });
  }
  rows.sort((a, b) =>
    a.dealerCode === b.dealerCode
      ? 0
      : a.dealerCode === null
        ? 1
        : b.dealerCode === null
          ? -1
          : a.dealerCode < b.dealerCode
            ? -1
            : 1,
  );
  const totals = {
    statementBalanceCents: rows.reduce((sum, row) => sum + row.statementBalanceCents, 0),
    ledgerBalanceCents: rows.reduce((sum, row) => sum + row.ledgerBalanceCents, 0),
    differenceCents: 0,
  };
  totals.differenceCents = totals.ledgerBalanceCents - totals.statementBalanceCents;
  return { dealers: rows, totals, tiesOut: rows.every((row) => row.differenceCents === 0) };
}
