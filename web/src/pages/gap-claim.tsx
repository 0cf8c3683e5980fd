import { type FormEvent, useEffect, useId, useState } from 'react';
import { ApiError } from '../api.js';
import { formatCalendarDate, formatCents, formatInstant } from '../format.js';
import { holderProblem, type Sentence, said } from '../holder-messages.js';
import { t, useTranslation } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { useApiQuery, useRefetch } from '../queries.js';
import { Link, type RouteProps } from '../router.js';
import { gapLineText } from '../server-text.js';
import { TableScroll } from '../table-scroll.js';
import {
  documentStateWords,
  documentTypeName,
  type GapClaim,
  gapStatusWords,
  lossTypeWords,
  ResultNotice,
  timelineWords,
  uploadClaimDocument,
} from './gap-shared.js';

// A holder's GAP claim: where it stands in plain words, the checklist of documents with each one's
// state and review due date, an upload with a progress bar, and the timeline of what happened.

function UploadForm({ claim, onUploaded }: { claim: GapClaim; onUploaded: () => void }) {
  const id = useId();
  const { t } = useTranslation();
  const open = claim.requiredDocuments.filter(
    (item) => item.status === 'missing' || item.status === 'rejected',
  );
  const [type, setType] = useState(open[0]?.type ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [percent, setPercent] = useState<number | null | undefined>(undefined);
  const [message, setMessage] = useState<{ error: boolean; text: Sentence } | null>(null);

  useEffect(() => {
    if (!open.some((item) => item.type === type)) setType(open[0]?.type ?? '');
  }, [open, type]);

  if (open.length === 0) return null;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file || !type) {
      setMessage({ error: true, text: said('gapClaim.chooseFile') });
      return;
    }
    setMessage(null);
    setPercent(0);
    try {
      const document = await uploadClaimDocument(claim.id, type, file, setPercent);
      setMessage({
        error: false,
        text: t('gapClaim.received', {
          document: documentTypeName(document.type, document.typeName),
          date: formatCalendarDate(document.reviewDueOn ?? ''),
        }),
      });
      setFile(null);
      (event.target as HTMLFormElement).reset();
      onUploaded();
    } catch (caught) {
      // A holder sentence per code (a wrong file type, too large…) in the reader's language.
      setMessage({
        error: true,
        text: caught instanceof ApiError ? { problem: caught } : said('gapClaim.uploadFailed'),
      });
    } finally {
      setPercent(undefined);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('gapClaim.uploadHeading')}</h2>
      <p className="hint">{t('gapClaim.uploadHint')}</p>
      <ResultNotice message={message} />
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t('gapClaim.document')}</label>
          <select id={`${id}-type`} value={type} onChange={(event) => setType(event.target.value)}>
            {open.map((item) => (
              <option key={item.type} value={item.type}>
                {documentTypeName(item.type, item.name)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('gapClaim.file')}</label>
          <input
            id={`${id}-file`}
            className="input--file"
            type="file"
            accept="application/pdf,image/jpeg,image/png,image/heic,.heic"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </div>
        {percent !== undefined ? (
          <div className="upload-progress">
            <label htmlFor={`${id}-progress`}>{t('gapClaim.uploading', { name: file?.name ?? '' })}</label>
            {percent === null ? (
              <progress id={`${id}-progress`} />
            ) : (
              <>
                <progress id={`${id}-progress`} max={100} value={percent}>
                  {percent}%
                </progress>
                <span className="upload-progress__percent" aria-hidden="true">
                  {percent}%
                </span>
              </>
            )}
          </div>
        ) : null}
        <button type="submit" className="button" disabled={percent !== undefined}>
          {t('gapClaim.upload')}
        </button>
      </form>
    </section>
  );
}

/** Once the benefit is decided, how it was worked out, each line in the reader's language. */
function BenefitCalculation({ benefit }: { benefit: NonNullable<GapClaim['benefit']> }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('gapClaim.benefitHeading')}</h2>
      <TableScroll labelledBy={`${id}-caption`}>
        <table className="table">
          <caption id={`${id}-caption`}>{t('gapClaim.benefitCaption')}</caption>
          <tbody>
            {benefit.lines.map((line, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a line is its place in the calculation
              <tr key={index}>
                <td>{gapLineText(line)}</td>
                <td className="nowrap">{formatCents(line.amountCents)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t('gapClaim.benefitTotal')}</th>
              <td className="nowrap">
                <strong>{formatCents(benefit.benefitCents)}</strong>
              </td>
            </tr>
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

export function GapClaimPage({ params }: RouteProps) {
  const claimId = params.id ?? '';
  const claimQuery = useApiQuery('/gap-claims/{id}', { params: { path: { id: claimId } } });
  const refetch = useRefetch();
  const claim = claimQuery.data;

  if (!claim && claimQuery.isError) {
    const error =
      claimQuery.error instanceof ApiError
        ? holderProblem(claimQuery.error).sentence
        : t('gapClaim.loadFailed');
    return (
      <>
        <PageHeading title={t('gapClaim.title')}>{t('gapClaim.title')}</PageHeading>
        <div className="notice notice--error" role="alert">
          {error} <Link href="/gap-claims">{t('gapClaim.goToCenter')}</Link> {t('gapClaim.toStart')}
        </div>
      </>
    );
  }
  if (!claim) {
    return (
      <p className="muted" role="status">
        {t('common.loading')}
      </p>
    );
  }

  return (
    <>
      <PageHeading title={t('gapClaim.titleNumber', { number: claim.claimNumber })}>
        {t('gapClaim.titleNumber', { number: claim.claimNumber })}
      </PageHeading>
      <p className="lead" role="status">
        {gapStatusWords(claim)}
      </p>
      <dl className="facts">
        <dt>{t('gapClaim.loss')}</dt>
        <dd>
          {t('gapClaim.lossOn', {
            loss: lossTypeWords(claim.lossType),
            date: formatCalendarDate(claim.dateOfLoss),
          })}
        </dd>
        <dt>{t('gapClaim.contract')}</dt>
        <dd>{claim.contractNumber}</dd>
        {claim.payment ? (
          <>
            <dt>{t('gapClaim.paid')}</dt>
            <dd>
              {t('gapClaim.paidTo', {
                amount: formatCents(claim.payment.amountCents),
                payee: claim.payment.payee.name,
              })}
            </dd>
          </>
        ) : null}
        {claim.status === 'denied' && claim.decisionReason ? (
          <>
            <dt>{t('gapClaim.reason')}</dt>
            <dd>{claim.decisionReason}</dd>
          </>
        ) : null}
      </dl>

      <h2 id="checklist-heading">{t('gapClaim.yourDocuments')}</h2>
      <TableScroll labelledBy="checklist-heading">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('gapClaim.document')}</th>
              <th scope="col">{t('gapClaim.state')}</th>
              <th scope="col">{t('gapClaim.reviewerNote')}</th>
            </tr>
          </thead>
          <tbody>
            {claim.requiredDocuments.map((item) => (
              <tr key={item.type}>
                <th scope="row">{documentTypeName(item.type, item.name)}</th>
                <td>{documentStateWords(item)}</td>
                <td>{item.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>

      {claim.benefit ? <BenefitCalculation benefit={claim.benefit} /> : null}

      <UploadForm claim={claim} onUploaded={() => void refetch(['/gap-claims/{id}'])} />

      <h2>{t('gapClaim.history')}</h2>
      <ol className="card-stack">
        {claim.timeline.map((event) => (
          <li key={`${event.at}-${event.action}-${event.words}`}>
            <span className="muted">{formatInstant(event.at)}</span> —{' '}
            {timelineWords(event, new Map(claim.requiredDocuments.map((item) => [item.type, item.name])))}
          </li>
        ))}
      </ol>
    </>
  );
}
