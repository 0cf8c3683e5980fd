// Contract forms and their e-signatures: any contract (booked, imported or entered) has its form; a
// holder or its dealer signs the exact PDF it was shown, named by its SHA-256 (the form is rebuilt
// and compared, so a signature never names a document other than the one the server would serve).
// Only a contract in force (active) is signed: a void or cancelled one is no agreement to sign.

import { hash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { loadContract } from '../contracts/contract-access.js';
import type { ContractsService } from '../contracts/contracts.service.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { ContractRow, Database } from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import { AppError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { renderContractForm } from './contract-form.js';
import {
  type ContractSignatureRow,
  insertSignature,
  listSignatures,
} from './contract-signature.repository.js';

export interface SignatureView {
  id: string;
  signerKind: 'holder' | 'dealer';
  signerName: string;
  signedAt: string;
  ipAddress: string;
  pdfSha256: string;
}

function toSignatureView(row: ContractSignatureRow): SignatureView {
  return {
    id: row.id,
    signerKind: row.signer_kind,
    signerName: row.signer_name,
    signedAt: row.signed_at.toISOString(),
    ipAddress: row.ip_address,
    pdfSha256: row.pdf_sha256,
  };
}

export function createContractFormsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  contracts: ContractsService;
}) {
  const { db, clock, contracts } = deps;

  async function formOf(row: ContractRow, executor: Kysely<Database> = db) {
    const { terms } = await contracts.termsOf(row, executor);
    const pdf = await renderContractForm(row, terms);
    return { pdf, sha256: hash('sha256', pdf, 'hex'), fileName: `contract-${row.contract_number}.pdf` };
  }

  async function form(contractId: string, principal: Principal) {
    return formOf(await contracts.rowFor(contractId, principal));
  }

  async function sign(
    trx: Transaction<Database>,
    contractId: string,
    input: { signerName: string; formSha256: string },
    principal: Principal,
    ipAddress: string,
    actor: Actor,
    requestId: string,
  ): Promise<SignatureView> {
    // Locked, so a void or cancellation under way is seen before the signature is written.
    const row = await loadContract(trx, principal, contractId, { forUpdate: true });
    if (row.status !== 'active')
      throw new AppError(
        'contract_not_active',
        `The contract is ${row.status}; only an active contract's form is signed.`,
      );
    const { sha256 } = await formOf(row, trx);
    if (sha256 !== input.formSha256.toLowerCase())
      throw new AppError(
        'form_changed',
        'The form changed since it was downloaded (or the hash is not of this form); download it again and sign that one.',
        { param: 'formSha256' },
      );
    const inserted = await insertSignature(trx, {
      contract_id: row.id,
      signer_kind: principal.kind === 'holder' ? 'holder' : 'dealer',
      signer_name: input.signerName.trim(),
      signed_at: clock.now(),
      ip_address: ipAddress,
      pdf_sha256: sha256,
      signed_by: actor.label,
    });
    await recordAudit(trx, {
      actor,
      action: 'contract.form_signed',
      entityType: 'contract',
      entityId: row.id,
      data: { signatureId: inserted.id, signerKind: inserted.signer_kind, pdfSha256: sha256 },
      requestId,
    });
    return toSignatureView(inserted);
  }

  async function signatures(
    contractId: string,
    principal: Principal,
  ): Promise<{ data: SignatureView[]; hasMore: boolean }> {
    const row = await contracts.rowFor(contractId, principal);
    const rows = await listSignatures(db, row.id, 100);
    return { data: rows.map(toSignatureView), hasMore: false };
  }

  return { form, sign: asUseCase(sign), signatures };
}

export type ContractFormsService = ReturnType<typeof createContractFormsService>;
