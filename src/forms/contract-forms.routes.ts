// GET /contracts/{id}/form (the PDF) and its e-signatures (docs/api.md "Dealer channel").
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { sendIdempotent } from '../platform/http/idempotency.js';
import { FileResponse, NonBlankText, Page, problemResponses, Uuid } from '../platform/http/schemas.js';
import type { TypedApp } from '../platform/http/typed-app.js';
import { actorOf } from '../shared/principal.js';
import type { ContractFormsService } from './contract-forms.service.js';

const STAFF = ['admin', 'adjuster', 'reviewer'] as const;

const SignatureSchema = Type.Object(
  {
    id: Type.String(),
    signerKind: Type.Union([Type.Literal('holder'), Type.Literal('dealer')]),
    signerName: Type.String(),
    signedAt: Type.String({ format: 'date-time' }),
    ipAddress: Type.String(),
    pdfSha256: Type.String({ description: 'SHA-256 of the exact PDF signed' }),
  },
  { $id: 'ContractSignature' },
);

export function registerContractFormRoutes(
  app: TypedApp,
  deps: { forms: ContractFormsService; db: Kysely<Database>; clock: Clock },
): void {
  app.addSchema(SignatureSchema);

  app.get(
    '/api/v1/contracts/:id/form',
    {
      config: { access: [...STAFF, 'holder', 'dealer', 'dealer_user'] },
      schema: {
        operationId: 'getContractForm',
        description:
          'The holder, the dealer or staff. Returns the PDF form; the X-Form-Sha256 header names its bytes, which signing must quote back.',
        tags: ['Dealer channel'],
        summary: 'The contract form as the holder signs it (application/pdf; X-Form-Sha256 names its bytes)',
        params: Type.Object({ id: Uuid }),
        response: {
          200: FileResponse('The contract form (PDF); X-Form-Sha256 is the SHA-256 of these bytes', [
            'application/pdf',
          ]),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const form = await deps.forms.form(request.params.id, request.principal!);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${form.fileName}"`)
        .header('x-form-sha256', form.sha256)
        .header('cache-control', 'private, no-store')
        .send(form.pdf);
    },
  );

  app.post(
    '/api/v1/contracts/:id/signatures',
    {
      config: { access: ['holder', 'dealer', 'dealer_user'] },
      schema: {
        operationId: 'signContractForm',
        description:
          'The holder or the dealer on their behalf. Records the signature against the SHA-256 of the exact form; 409 form_changed when the form changed since it was read, 409 contract_not_active when the contract is not active (void, cancelled, expired, claimed). A blank signerName is 400 validation_failed. Writes an audit row.',
        tags: ['Dealer channel'],
        summary:
          'E-sign the form: records signer name, time, IP address and the SHA-256 of the exact PDF signed',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            signerName: NonBlankText(200),
            formSha256: Type.String({
              pattern: '^[0-9a-fA-F]{64}$',
              description:
                'SHA-256 of the form the signer was shown (the X-Form-Sha256 header of GET …/form)',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('ContractSignature'), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      return sendIdempotent(deps, request, reply, 201, (run) =>
        deps.forms.sign(
          run,
          request.params.id,
          request.body,
          request.principal!,
          request.ip,
          actorOf(request.principal),
          request.id,
        ),
      );
    },
  );

  app.get(
    '/api/v1/contracts/:id/signatures',
    {
      config: { access: [...STAFF, 'holder', 'dealer', 'dealer_user'] },
      schema: {
        operationId: 'listContractSignatures',
        description:
          "The holder, the dealer or staff. The e-signatures recorded on the contract's form, oldest first.",
        tags: ['Dealer channel'],
        summary: "The form's e-signatures",
        params: Type.Object({ id: Uuid }),
        response: { 200: Page(Type.Ref('ContractSignature')), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => deps.forms.signatures(request.params.id, request.principal!),
  );
}
