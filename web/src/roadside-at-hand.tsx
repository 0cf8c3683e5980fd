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
  if (!contact) return null;
  return (
    <aside className="notice notice--success roadside-at-hand" aria-label="Roadside help">
      <strong>Need help now?</strong> Roadside assistance:{' '}
      <a href={`tel:${dialable(contact.roadsidePhone)}`}>call {contact.roadsidePhone}</a>
      {requestHref ? (
        <>
          {' '}
          or <a href={requestHref}>ask for help online</a>
        </>
      ) : null}
      .
    </aside>
  );
}
