import { useQueries } from '@tanstack/react-query';
import { contractQueryOptions } from './contracts.js';
import { useTranslation } from './i18n.js';
import { useSession } from './session.js';
import { useSupportContact } from './support-contact.js';

// "Need help now?": the roadside number (from the settings) as a one-tap call on a phone, and the way to
// ask for help online, at the top of every holder page, as a lender's own page has it; only while one of
// the holder's contracts is in force and includes roadside help (an expired contract offers no help).

/**
 * The signed-in holder's contracts that are in force and include roadside help, in the session's order
 * (the contract queries the pages read anyway); null until every one of them has loaded.
 */
export function useRoadsideContracts(): readonly string[] | null {
  const { session } = useSession();
  const ids = session.status === 'holder_signed_in' ? session.holder.contractIds : [];
  const queries = useQueries({ queries: ids.map((id) => contractQueryOptions(id)) });
  if (session.status !== 'holder_signed_in') return [];
  // A contract that could not be read offers no help it cannot show; the others still do.
  if (queries.some((query) => query.isPending)) return null;
  return ids.filter((_id, index) => {
    const coverage = queries[index]?.data?.coverage;
    return coverage?.inForce === true && coverage.benefits.roadside !== null;
  });
}

/** The digits a tel: link dials: '1-800-555-0199 (24 hours a day)' → '18005550199'. */
export function dialable(phone: string): string {
  const number = phone.split('(')[0] ?? phone;
  return number.replace(/[^\d+]/g, '');
}

export function RoadsideAtHand({ requestHref }: { requestHref?: string }) {
  const contact = useSupportContact();
  const { t } = useTranslation();
  const inForce = useRoadsideContracts();
  if (!contact || !inForce || inForce.length === 0) return null;
  return (
    <aside className="notice notice--success roadside-at-hand" aria-label={t('roadside.label')}>
      <strong>{t('roadside.needHelp')}</strong> {t('roadside.assistance')}{' '}
      <a href={`tel:${dialable(contact.roadsidePhone)}`}>
        {t('roadside.call', { phone: contact.roadsidePhone })}
      </a>
      {requestHref ? (
        <>
          {' '}
          {t('roadside.or')} <a href={requestHref}>{t('roadside.online')}</a>
        </>
      ) : null}
      .
    </aside>
  );
}
