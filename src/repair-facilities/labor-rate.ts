// The highest hourly labor rate a facility may post or a repair claim may carry: $1,000/h. With 100 h a
// line and 50 lines a claim this keeps every amount within its int4 column (see repair-claim.schemas.ts).
export const MAX_LABOR_RATE_CENTS = 100_000;
