// Languages: fa, ar and en are equal. fa uses the Jalali calendar and Persian digits; ar uses Latin digits
// by default with Arabic-Indic digits as a per-browser setting; a missing fa/ar key falls back to en.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { messages } from './messages';

export type Locale = 'fa' | 'ar' | 'en';
export const LOCALES: Locale[] = ['fa', 'ar', 'en'];
export type Vars = Record<string, string | number>;

export interface I18n {
  locale: Locale;
  dir: 'rtl' | 'ltr';
  t(key: string, vars?: Vars): string;
  num(n: number, opts?: Intl.NumberFormatOptions): string;
  date(ms: number, opts?: Intl.DateTimeFormatOptions): string;
  setLocale(l: Locale): void;
  /** ar only: Arabic-Indic digits (٠١٢) instead of Latin ones. */
  arabicDigits: boolean;
  setArabicDigits(on: boolean): void;
}

const STORAGE_LOCALE = 'omnicx.locale';
const STORAGE_AR_DIGITS = 'omnicx.arDigits';

export const isLocale = (x: unknown): x is Locale => x === 'fa' || x === 'ar' || x === 'en';
export const dirOf = (l: Locale): 'rtl' | 'ltr' => (l === 'en' ? 'ltr' : 'rtl');

/** The BCP 47 tag Intl formats with. */
export function intlTag(l: Locale, arabicDigits = false): string {
  if (l === 'fa') return 'fa-IR-u-ca-persian-nu-arabext';
  if (l === 'ar') return arabicDigits ? 'ar-u-nu-arab' : 'ar-u-nu-latn';
  return 'en';
}

const warned = new Set<string>();

/** Looks a key up in a locale, falling back to en; interpolates `{name}` placeholders. Exported for tests. */
export function translate(
  locale: Locale,
  key: string,
  vars: Vars | undefined,
  fmt: (n: number) => string,
): string {
  let s = messages[locale][key];
  if (s === undefined) {
    if (import.meta.env?.DEV && !warned.has(`${locale}:${key}`)) {
      warned.add(`${locale}:${key}`);
      console.warn(`i18n: missing ${locale} message "${key}"`);
    }
    s = messages.en[key] ?? key;
  }
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = vars[name];
    if (v === undefined) return m;
    return typeof v === 'number' ? fmt(v) : v;
  });
}

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_LOCALE);
    if (isLocale(saved)) return saved;
  } catch {
    /* storage unavailable */
  }
  const nav = (navigator.language || 'en').slice(0, 2);
  return isLocale(nav) ? nav : 'en';
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [arabicDigits, setArabicDigitsState] = useState<boolean>(() => {
    try {
      return localStorage.getItem(STORAGE_AR_DIGITS) === '1';
    } catch {
      return false;
    }
  });

  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(STORAGE_LOCALE, l);
    } catch {
      /* ignore */
    }
  }, []);
  const setArabicDigits = useCallback((on: boolean) => {
    setArabicDigitsState(on);
    try {
      localStorage.setItem(STORAGE_AR_DIGITS, on ? '1' : '0');
    } catch {
      /* ignore */
    }
  }, []);

  const dir = dirOf(locale);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dir = dir;
  }, [locale, dir]);

  const value = useMemo<I18n>(() => {
    const tag = intlTag(locale, arabicDigits);
    const numFmt = new Intl.NumberFormat(tag);
    const num = (n: number, opts?: Intl.NumberFormatOptions) =>
      opts ? new Intl.NumberFormat(tag, opts).format(n) : numFmt.format(n);
    const date = (ms: number, opts?: Intl.DateTimeFormatOptions) =>
      new Intl.DateTimeFormat(tag, opts ?? { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
    return {
      locale,
      dir,
      t: (key, vars) => translate(locale, key, vars, (n) => numFmt.format(n)),
      num,
      date,
      setLocale,
      arabicDigits,
      setArabicDigits,
    };
  }, [locale, dir, arabicDigits, setLocale, setArabicDigits]);

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside <I18nProvider>');
  return v;
}
