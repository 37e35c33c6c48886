// The signed-in frame: navigation on the inline-start side (right in RTL), language switcher, sign-out.
import { useState, type ReactNode } from 'react';
import { useAuth } from '../../auth';
import { LOCALES, useI18n, type Locale } from '../../i18n';
import { Link, useLocation } from '../../router';
import { routes } from '../../routes';
import { Icon } from '../../ui';

const NATIVE: Record<Locale, string> = { fa: 'فارسی', ar: 'العربية', en: 'English' };

function LanguageSwitcher() {
  const { t, locale, setLocale, arabicDigits, setArabicDigits } = useI18n();
  const { updateMe } = useAuth();
  const [failed, setFailed] = useState(false);
  const change = (l: Locale) => {
    setLocale(l);
    setFailed(false);
    updateMe({ locale: l }).catch(() => setFailed(true));
  };
  return (
    <div className="lang">
      <label htmlFor="lang-select" className="visually-hidden">
        {t('layout.language')}
      </label>
      <select id="lang-select" value={locale} onChange={(e) => change(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NATIVE[l]}
          </option>
        ))}
      </select>
      {locale === 'ar' && (
        <label className="check">
          <input type="checkbox" checked={arabicDigits} onChange={(e) => setArabicDigits(e.target.checked)} />
          {t('layout.arabicDigits')}
        </label>
      )}
      {failed && (
        <span className="muted" role="status">
          {t('layout.localeNotSaved')}
        </span>
      )}
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user, can, signOut } = useAuth();
  const { pathname } = useLocation();
  const items = routes.filter((r) => r.nav && (!r.permission || can(r.permission)));
  const active = (p: string) =>
    p === '/' ? pathname === '/' : pathname === p || pathname.startsWith(`${p}/`);
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        {t('layout.skipToContent')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          omnicx
        </Link>
        <div className="topbar-end">
          <LanguageSwitcher />
          {user && (
            <span className="whoami" title={user.email}>
              {user.name || user.email}
              <span className="role"> · {t(`layout.role.${user.role}`)}</span>
            </span>
          )}
          <button type="button" className="btn btn-ghost" onClick={() => void signOut()}>
            <Icon name="signout" />
            <span>{t('layout.signOut')}</span>
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label={t('layout.mainNav')} data-testid="sidenav">
        <ul>
          {items.map((r) => (
            <li key={r.path}>
              <Link to={r.path} aria-current={active(r.path) ? 'page' : undefined} className="nav-link">
                <Icon name={r.icon ?? 'other'} />
                <span>{t(r.nav!)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
