// The contract form as the holder signs it: a PDF made with pdfkit from the contract and the terms of
// its catalog version and state rules (holder, vehicle, plan, term, price, deductible, covered groups,
// benefits with their limits, cancellation and transfer terms, signature lines). The same contract
// and terms always give the same bytes (the creation date is the contract's), so the SHA-256 of a form
// names exactly the document a signer saw.
import type { EffectiveTerms } from '../catalog/effective-terms.js';
import type { ContractRow } from '../platform/db/schema.js';
import { loadPdfKit } from '../platform/pdf.js';
import { formatUsd } from '../shared/money.js';

function miles(value: number): string {
  return `${value.toLocaleString('en-US')} miles`;
}

function percent(basisPoints: number): string {
  return `${basisPoints / 100}%`;
}

/** The form's paragraphs, in order: plain data, so tests can read what the PDF says. */
export function contractFormSections(
  row: ContractRow,
  terms: EffectiveTerms,
): { heading: string; lines: string[] }[] {
  const sections: { heading: string; lines: string[] }[] = [];
  sections.push({
    heading: 'Contract',
    lines: [
      `Contract number: ${row.contract_number}`,
      `Plan: ${terms.planName} (${row.product === 'vsc' ? 'vehicle service contract' : 'GAP addendum'}), catalog version ${row.catalog_version}`,
      `Purchase date: ${row.purchase_date}, state of purchase: ${row.purchase_state}`,
      row.product === 'vsc'
        ? `Term: ${row.term_months} months or ${miles(row.term_miles ?? 0)}, whichever comes first; expires ${row.expires_on} or at ${miles(row.expires_at_miles ?? 0)}`
        : `Term: ${row.term_months} months (the loan term); expires ${row.expires_on}`,
      `Contract price: ${formatUsd(row.price_cents)}`,
      ...(row.product === 'vsc' ? [`Deductible: ${formatUsd(row.deductible_cents)} per repair visit`] : []),
      ...(row.waiting_period_ends_on
        ? [
            `Waiting period: no claims before ${row.waiting_period_ends_on} or ${miles(row.waiting_period_ends_at_miles ?? 0)}`,
          ]
        : []),
      ...(row.selling_dealer_code
        ? [`Selling dealer: ${row.selling_dealer_name ?? ''} (${row.selling_dealer_code})`]
        : []),
    ],
  });
  sections.push({
    heading: 'Contract holder',
    lines: [
      `${row.holder_first_name} ${row.holder_last_name}`,
      `${row.address_line1}, ${row.address_city}, ${row.address_state} ${row.address_zip}`,
      ...(row.holder_email ? [`Email: ${row.holder_email}`] : []),
      ...(row.holder_phone ? [`Phone: ${row.holder_phone}`] : []),
      `Lienholder: ${row.lienholder_name ?? 'none'}`,
    ],
  });
  sections.push({
    heading: 'Vehicle',
    lines: [
      `${row.vehicle_year} ${row.vehicle_make} ${row.vehicle_model}`,
      `VIN: ${row.vin}`,
      `Odometer at sale: ${miles(row.odometer_at_sale)}`,
      ...(row.product === 'gap'
        ? [
            `Amount financed: ${formatUsd(row.amount_financed_cents ?? 0)}`,
            `MSRP / retail book value: ${formatUsd(row.msrp_cents ?? 0)}`,
          ]
        : []),
    ],
  });
  if (terms.product === 'vsc') {
    sections.push({
      heading: 'What is covered',
      lines: [
        terms.style === 'exclusionary'
          ? 'Every component of the vehicle except the exclusions; covered groups:'
          : 'Only the components of these groups:',
        ...terms.coveredComponentGroups.map((code) => `• ${terms.componentGroupNames[code] ?? code}`),
      ],
    });
    const { roadside, rental, tripInterruption } = terms.benefits;
    sections.push({
      heading: 'Benefits and their limits',
      lines: [
        `Towing and roadside assistance: up to ${formatUsd(roadside.perEventLimitCents)} per disablement (${roadside.services.join(', ').replaceAll('_', ' ')})`,
        rental
          ? `Rental reimbursement: ${formatUsd(rental.dailyLimitCents)} a day, at most ${formatUsd(rental.perVisitLimitCents)} per repair visit, when the covered repair needs ${rental.minLaborHours} labor-guide hours${rental.overnightQualifies ? ' or the vehicle is kept overnight' : ''}`
          : 'Rental reimbursement: not included',
        tripInterruption
          ? `Trip interruption: ${formatUsd(tripInterruption.dailyLimitCents)} a day for up to ${tripInterruption.maxDays} days, more than ${miles(tripInterruption.minMilesFromHome)} from home`
          : 'Trip interruption: not included',
      ],
    });
  } else {
    sections.push({
      heading: 'GAP benefit',
      lines: [
        `Pays the adjusted loan payoff minus the insurer's actual cash value, plus up to ${formatUsd(terms.gap.deductibleCoverMaxCents)} of the primary deductible`,
        `Loan-to-value cap: ${percent(terms.gap.ltvCapBasisPoints)} of MSRP / retail book value; most paid for one loss: ${formatUsd(terms.gap.maxBenefitCents)}`,
        `Documents are due within ${terms.gap.documentsDueDays} days of the insurer's settlement`,
      ],
    });
  }
  const { cancellation, transfer } = terms;
  sections.push({
    heading: 'Cancellation',
    lines: [
      `Within ${cancellation.freeLookDays} days of purchase with no claim filed: full refund, no fee.`,
      `After that: refund ${cancellation.method === 'pro_rata' ? 'pro rata on days or miles remaining, whichever is less' : 'by the rule of 78s'}, less an administrative fee of ${formatUsd(cancellation.adminFeeCents)}${cancellation.adminFeeMaxBasisPointsOfPrice !== null ? ` (at most ${percent(cancellation.adminFeeMaxBasisPointsOfPrice)} of the price)` : ''}${cancellation.claimsDeducted ? ', less claims paid' : '; claims paid are not deducted'}.`,
      'While the loan is open the refund is paid to the lienholder.',
    ],
  });
  sections.push({
    heading: 'Transfer',
    lines: transfer.allowed
      ? [
          `Transferable to a new owner${transfer.privateSaleOnly ? ' in a private sale (not a dealer sale or trade-in)' : ''} reported within ${transfer.windowDays} days of the change of ownership; fee ${formatUsd(transfer.feeCents)}.`,
        ]
      : ['This contract cannot be transferred.'],
  });
  if (terms.notes.length > 0)
    sections.push({
      heading: `Rules of ${row.purchase_state}`,
      lines: terms.notes.map((note) => note.sentence),
    });
  return sections;
}

/** The form as PDF bytes. */
export async function renderContractForm(row: ContractRow, terms: EffectiveTerms): Promise<Buffer> {
  const PDFDocument = await loadPdfKit();
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'LETTER',
      margin: 54,
      info: {
        Title: `Contract ${row.contract_number}`,
        Author: 'Coverwise',
        Subject: `${terms.planName} contract form`,
        CreationDate: row.created_at,
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    doc.font('Helvetica-Bold').fontSize(16).text(`${terms.planName} — Contract ${row.contract_number}`);
    doc.moveDown(0.5);
    for (const section of contractFormSections(row, terms)) {
      doc.font('Helvetica-Bold').fontSize(11).text(section.heading);
      doc.font('Helvetica').fontSize(10);
      for (const line of section.lines) doc.text(line);
      doc.moveDown(0.6);
    }
    doc.moveDown(1);
    doc.font('Helvetica-Bold').fontSize(11).text('Signatures');
    doc.font('Helvetica').fontSize(10);
    for (const who of ['Contract holder', 'Selling dealer']) {
      doc.moveDown(1.2);
      doc.text('_____________________________________________    Date: ______________');
      doc.text(`${who} signature`);
    }
    doc.end();
  });
}
