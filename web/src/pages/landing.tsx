import { useTranslation } from '../i18n.js';
import { PageHeading } from '../page-heading.js';
import { Link } from '../router.js';

export function LandingPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title="Coverwise">Coverwise</PageHeading>
      <p className="lead">{t('landing.lead')}</p>
      <ul className="link-list">
        <li>
          <Link className="button-link" href="/my/sign-in">
            {t('landing.holders')}
          </Link>
        </li>
        <li>
          <Link className="button-link button--secondary" href="/gap-claims">
            {t('landing.gap')}
          </Link>
        </li>
        <li>
          <Link className="button-link button--secondary" href="/staff/sign-in">
            {t('landing.staff')}
          </Link>
        </li>
        <li>
          <a href="/docs">{t('landing.apiDocs')}</a>
        </li>
      </ul>
    </>
  );
}
