import { useTranslation } from './i18n.js';
import { useSupportContact } from './support-contact.js';

// "Need help now?": the roadside number (from the settings) as a one-tap call on a phone, and the way to
// ask for help online, at the top of every holder page, as a lender's own page has it.

/** The digits a tel: link dials: '1-800-555-0199 (24 hours a day)' → '18005550199'. */
export function dialable(phone: string): string {
  const number = phone.split('(')[0] ?? phone;
  return number.replace(/[^\d+]/g, '');
}

export function RoadsideAtHand({ requestHref }: { requestHref?: string }) {
  const contact = useSupportContact();
  const { t } = useTranslation();
  if (!contact) return null;
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
