import { LOCALES, useI18n, type Locale } from '../../i18n';

const NATIVE: Record<Locale, string> = { fa: 'فارسی', ar: 'العربية', en: 'English' };

/** Language choice on the signed-out pages (kept in the browser; the account's choice wins after sign-in). */
export function AuthLanguage() {
  const { t, locale, setLocale } = useI18n();
  return (
    <div className="row" style={{ justifyContent: 'flex-end', marginBlockEnd: '0.5rem' }}>
      <label htmlFor="auth-lang" className="visually-hidden">
        {t('signin.language')}
      </label>
      <select id="auth-lang" value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NATIVE[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
