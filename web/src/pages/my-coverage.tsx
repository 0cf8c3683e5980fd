import { useQueries } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { ApiError } from '../api.js';
import {
  coverageEnded,
  coveragePeriodWords,
  deductibleWords,
  planNameWords,
  productLabel,
  termWords,
} from '../contract-words.js';
import { type Contract, contractQueryOptions } from '../contracts.js';
import { CoverageDetails, CoverageStatusBadge } from '../coverage-details.js';
import { useFocusWhen } from '../focus.js';
import { maskVin } from '../format.js';
import { type Sentence, said, say } from '../holder-messages.js';
import { t, useTranslation } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { RoadsideAtHand } from '../roadside-at-hand.js';
import { Link, Redirect } from '../router.js';
import { useSession } from '../session.js';
import { HolderAccountPanel } from './holder-account.js';
import type { HolderSignInPageState } from './holder-sign-in.js';

// "My coverage": one card per contract the holder's three facts matched, each fetched on its own
// so one contract that fails to load does not hide the others.

type CardState =
  | { status: 'loading' }
  | { status: 'loaded'; contract: Contract }
  | { status: 'failed'; message: string };

const signedOutState: HolderSignInPageState = { notice: 'signed_out' };

function ContractCard({ contract }: { contract: Contract }) {
  const headingId = useId();
  const { t } = useTranslation();
  const { vehicle } = contract;
  return (
    <article className="card card--wide contract-card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {planNameWords(contract)}{' '}
        <span className="muted">· {t('coverage.contractNumber', { number: contract.contractNumber })}</span>
      </h2>
      <CoverageStatusBadge contract={contract} />
      <dl className="facts facts--wide">
        <div>
          <dt>{t('coverage.product')}</dt>
          <dd>{productLabel(contract.product)}</dd>
        </div>
        <div>
          <dt>{t('coverage.vehicle')}</dt>
          <dd>
            {t('coverage.vehicleWords', { year: vehicle.year, make: vehicle.make, model: vehicle.model })}{' '}
            <span className="nowrap" translate="no">
              {maskVin(vehicle.vin)}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('coverage.term')}</dt>
          <dd>{termWords(contract)}</dd>
        </div>
        <div>
          <dt>{t('coverage.dates')}</dt>
          <dd>{coveragePeriodWords(contract)}</dd>
        </div>
        {contract.product === 'vsc' ? (
          <div>
            <dt>{t('coverage.deductible')}</dt>
            <dd>
              {deductibleWords(contract.deductibleCents)}
              {contract.coverage?.disappearingDeductible &&
              contract.sellingDealer &&
              !coverageEnded(contract.coverage) ? (
                <> {t('coverage.disappearingDeductible', { dealer: contract.sellingDealer.name })}</>
              ) : null}
            </dd>
          </div>
        ) : null}
      </dl>
      <CoverageDetails contract={contract} audience="holder" />
      <ul className="link-list contract-actions">
        <li>
          <Link href="/my/claims">
            {contract.product === 'gap' ? t('coverage.gapClaimsLink') : t('coverage.claimsLink')}
          </Link>
        </li>
        {contract.product === 'gap' && contract.status === 'active' ? (
          <li>
            <Link href="/gap-claims">{t('coverage.startGap')}</Link>
          </li>
        ) : null}
      </ul>
      <p>
        <a
          href={`/api/v1/contracts/${encodeURIComponent(contract.id)}/form`}
          target="_blank"
          rel="noreferrer"
        >
          {t('coverage.downloadForm')}
          <span className="visually-hidden">
            {t('coverage.forContract', { number: contract.contractNumber })}
          </span>
        </a>
      </p>
      {contract.status === 'active' ? (
        <ul className="link-list contract-actions">
          <li>
            <Link href={`/my/contracts/${encodeURIComponent(contract.id)}/cancel`}>
              {t('coverage.cancel')}
            </Link>
          </li>
          {contract.product === 'vsc' ? (
            <li>
              <Link href={`/my/contracts/${encodeURIComponent(contract.id)}/transfer`}>
                {t('coverage.transfer')}
              </Link>
            </li>
          ) : null}
        </ul>
      ) : null}
      {contract.status === 'active' && contract.product === 'gap' ? (
        <p className="muted">{t('transfer.gapNotAllowed')}</p>
      ) : null}
    </article>
  );
}

/** One query per contract, so one that fails to load does not hide the others. */
function useHolderContracts(contractIds: readonly string[] | null): ReadonlyMap<string, CardState> {
  const queries = useQueries({ queries: (contractIds ?? []).map((id) => contractQueryOptions(id)) });
  const cards = new Map<string, CardState>();
  for (const [index, id] of (contractIds ?? []).entries()) {
    const query = queries[index];
    if (query?.data) cards.set(id, { status: 'loaded', contract: query.data });
    else if (query?.isError) {
      const why = query.error instanceof ApiError ? query.error.detail : t('coverage.tryLater');
      cards.set(id, { status: 'failed', message: `${t('coverage.cardFailed')} ${why}` });
    } else cards.set(id, { status: 'loading' });
  }
  return cards;
}

export function MyCoveragePage() {
  const { session, signOut } = useSession();
  const { t } = useTranslation();
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<Sentence | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const contractIds = session.status === 'holder_signed_in' ? session.holder.contractIds : null;
  const cards = useHolderContracts(contractIds);

  useFocusWhen(alertRef, signOutError);

  if (session.status === 'loading') {
    return (
      <p className="muted" role="status">
        {t('common.loading')}
      </p>
    );
  }
  if (session.status !== 'holder_signed_in') {
    // Staff sessions are not a holder's: staff look contracts up under Contracts instead.
    const signedOutByUser = session.status === 'signed_out' && session.signedOutByUser;
    return <Redirect to="/my/sign-in" state={signedOutByUser ? signedOutState : undefined} />;
  }

  const handleSignOut = async () => {
    setSigningOut(true);
    setSignOutError(null);
    try {
      // The signed-out session re-renders this page, whose redirect carries the notice along.
      await signOut();
    } catch (error) {
      setSignOutError(error instanceof ApiError ? { problem: error } : said('coverage.signOutFailed'));
      setSigningOut(false);
    }
  };

  const ids = session.holder.contractIds;
  const stillLoading = [...cards.values()].some((card) => card.status === 'loading');

  return (
    <>
      <PageHeading title={t('coverage.title')}>{t('coverage.title')}</PageHeading>
      <RoadsideAtHand requestHref="/my/claims#roadside" />
      {signOutError ? (
        <div className="notice notice--error" role="alert" tabIndex={-1} ref={alertRef}>
          {say(signOutError)}
        </div>
      ) : null}
      {ids.length === 0 ? <p>{t('coverage.noContracts')}</p> : null}
      <p className="muted" role="status">
        {stillLoading ? t('coverage.loading') : ''}
      </p>
      <div className="card-stack">
        <HolderAccountPanel />
        {ids.map((id) => {
          const card = cards.get(id);
          if (card?.status === 'loaded') return <ContractCard key={id} contract={card.contract} />;
          if (card?.status === 'failed') {
            return (
              <div key={id} className="notice notice--error">
                {card.message}
              </div>
            );
          }
          return null;
        })}
      </div>
      <button
        type="button"
        className="button button--secondary"
        onClick={handleSignOut}
        disabled={signingOut}
      >
        {signingOut ? t('coverage.signingOut') : t('coverage.signOut')}
      </button>
    </>
  );
}
