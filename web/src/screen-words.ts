// Words for codes that reach staff screens: audit actions, catalog field paths, and state lists.
// A code the app does not know yet is turned into plain words rather than shown raw.

const actionWords: Record<string, string> = {
  'contract.created': 'Contract created',
  'contract.imported': 'Contract imported',
  'contract.cancellation_quoted': 'Cancellation quoted',
  'contract.cancelled': 'Contract cancelled',
  'contract.claim_filed': 'Claim filed',
  'contract.claimed': 'GAP benefit paid: addendum claimed',
  'contract.transfer_requested': 'Transfer requested',
  'contract.transfer_document_received': 'Transfer document received',
  'contract.transfer_fee_received': 'Transfer fee received',
  'contract.transfer_rejected': 'Transfer rejected',
  'contract.transferred': 'Contract transferred',
  'rental_claim.filed': 'Rental claim filed',
  'trip_interruption_claim.filed': 'Trip interruption claim filed',
  'roadside_request.requested': 'Roadside help requested',
  'receipt.attached': 'Receipt attached',
  'holder.signed_in': 'Holder signed in',
  'gap_claim.opened': 'GAP claim started',
  'gap_claim.status_changed': 'GAP claim status changed',
  'gap_claim.benefit_calculated': 'GAP benefit calculated',
  'gap_claim.payment_proposed': 'GAP payment proposed (second approval needed)',
  'document.received': 'Document received',
  'repair_claim.submitted': 'Repair claim submitted',
  'repair_claim.information_requested': 'Repair claim: information requested',
  'repair_claim.information_provided': 'Repair claim: information provided',
  'repair_claim.inspected': 'Repair claim: inspection recorded',
  'repair_claim.authorized': 'Repair authorized',
  'repair_claim.denied': 'Repair denied',
  'repair_claim.paid': 'Repair claim paid',
  'rental_claim.approved': 'Rental claim approved',
  'rental_claim.denied': 'Rental claim denied',
  'trip_interruption_claim.approved': 'Trip interruption claim approved',
  'trip_interruption_claim.denied': 'Trip interruption claim denied',
  'document.accepted': 'Document accepted',
  'document.rejected': 'Document rejected',
  'roadside_request.dispatched': 'Roadside help dispatched',
  'roadside_request.completed': 'Roadside help completed',
  'roadside_request.cancelled': 'Roadside request cancelled',
  'repair_claim.paid_by_run': 'Repair claim paid by a payment run',
  'rental_claim.paid_by_run': 'Rental claim paid by a payment run',
  'trip_interruption_claim.paid_by_run': 'Trip interruption claim paid by a payment run',
  'roadside_request.paid_by_run': 'Towing paid by a payment run',
  'cancellation.paid_by_run': 'Refund paid by a payment run',
};

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/**
 * The facts of an audit event worth a line in a trail: an authorization number, an amount, a reason
 * code, a payment reference. Other data stays in the API's answer.
 */
export function auditDetails(data: Record<string, unknown> | null): string {
  if (!data) return '';
  const parts: string[] = [];
  const text = (key: string) =>
    typeof data[key] === 'string' && data[key] !== '' ? (data[key] as string) : null;
  const cents = (key: string) =>
    typeof data[key] === 'number' ? money.format((data[key] as number) / 100) : null;
  const authorization = text('authorizationNumber');
  if (authorization) parts.push(`authorization ${authorization}`);
  const authorized = cents('authorizedCents');
  if (authorized) parts.push(`${authorized} authorized`);
  const payable = cents('payableToFacilityCents') ?? cents('payableCents');
  if (payable) parts.push(`${payable} payable`);
  const approved = cents('approvedCents');
  if (approved) parts.push(`${approved} approved`);
  const denied = cents('deniedCents');
  if (denied) parts.push(`${denied} not paid`);
  if (typeof data.runNumber === 'number') parts.push(`run ${data.runNumber}`);
  const amount = cents('amountCents');
  if (amount) parts.push(`${amount} paid`);
  const reference = text('reference');
  if (reference) parts.push(`reference ${reference}`);
  const reasonCode = text('reasonCode');
  if (reasonCode) parts.push(reasonCode.replaceAll('_', ' '));
  const documentType = text('documentType');
  if (documentType) parts.push(documentType.replaceAll('_', ' '));
  return parts.join(', ');
}

/** 'trip_interruption_claim.filed' → 'Trip interruption claim filed'. */
export function actionLabel(action: string): string {
  return actionWords[action] ?? sentenceCase(action.replace(/[._]/g, ' '));
}

const fieldWords: Record<string, string> = {
  'benefits.rental.dailyLimitCents': 'rental daily limit',
  'benefits.rental.perVisitLimitCents': 'rental limit per repair visit',
  'benefits.rental.minLaborHours': 'labor hours before rental applies',
  'benefits.rental.reviewBusinessDays': 'rental claims review time (business days)',
  'benefits.rental': 'rental benefit',
  'benefits.tripInterruption.dailyLimitCents': 'trip interruption daily limit',
  'benefits.tripInterruption.maxDays': 'trip interruption days',
  'benefits.tripInterruption.minMilesFromHome': 'trip interruption distance from home',
  'benefits.tripInterruption.reviewBusinessDays': 'trip interruption claims review time (business days)',
  'benefits.tripInterruption': 'trip interruption benefit',
  'benefits.roadside.perEventLimitCents': 'roadside limit per event',
  'benefits.roadside': 'roadside benefit',
  deductibleOptionsCents: 'deductibles offered',
  freeLookDays: 'free-look days',
  laborRateCapCents: 'labor rate cap',
  inspectionThresholdCents: 'inspection threshold',
};

/** 'benefits.rental.dailyLimitCents' → 'rental daily limit'; unknown paths in plain words too. */
export function fieldLabel(path: string): string {
  const known = fieldWords[path];
  if (known) return known;
  return path
    .replace(/^benefits\./, '')
    .split('.')
    .map((part) =>
      part
        .replace(/Cents$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase(),
    )
    .join(' ');
}

// Canadian provinces and territories: the catalog's "states" include them, so counts say which is which.
const CANADIAN_CODES = new Set([
  'AB',
  'BC',
  'MB',
  'NB',
  'NL',
  'NS',
  'NT',
  'NU',
  'ON',
  'PE',
  'QC',
  'SK',
  'YT',
]);

/** ['MO', 'KS', 'ON'] → '2 states and 1 province'; DC counts with the states. */
export function regionCountWords(codes: readonly string[]): string {
  const provinces = codes.filter((code) => CANADIAN_CODES.has(code)).length;
  const states = codes.length - provinces;
  const parts = [
    states > 0 ? `${states} ${states === 1 ? 'state' : 'states'}` : null,
    provinces > 0
      ? `${provinces} ${provinces === 1 ? 'province or territory' : 'provinces and territories'}`
      : null,
  ].filter(Boolean);
  return parts.join(' and ');
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
