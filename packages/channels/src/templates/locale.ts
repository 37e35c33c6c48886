// Locale variants: which language a profile reads, and which variant of a template to use for it.

/** The languages templates are written in. fa and ar are right-to-left. */
export const LOCALES = ['fa', 'ar', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const RTL: ReadonlySet<string> = new Set(['fa', 'ar']);
// ISO 639-2/3 codes and English names people put in a `language` trait.
const ALIASES: Record<string, Locale> = {
  per: 'fa',
  fas: 'fa',
  persian: 'fa',
  farsi: 'fa',
  ara: 'ar',
  arabic: 'ar',
  eng: 'en',
  english: 'en',
  فارسی: 'fa',
  العربية: 'ar',
};

/** Maps `fa-IR`, `fa_IR`, `FA`, `farsi`… to a supported locale; undefined for anything else. */
export function normalizeLocale(value: unknown): Locale | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  const primary = v.split(/[-_]/)[0] ?? '';
  if ((LOCALES as readonly string[]).includes(primary)) return primary as Locale;
  return ALIASES[v] ?? ALIASES[primary];
}

/** The locale a profile asks for: its `locale` trait, else its `language` trait. */
export function profileLocale(traits: Record<string, unknown> | undefined): Locale | undefined {
  return normalizeLocale(traits?.locale) ?? normalizeLocale(traits?.language);
}

/** Text direction for a locale. */
export function directionOf(locale: string): 'rtl' | 'ltr' {
  return RTL.has(locale) ? 'rtl' : 'ltr';
}

/** Which variant was used and why, reported with every render. */
export interface LocaleChoice {
  /** The variant rendered. */
  locale: Locale;
  /** What the profile (or the caller) asked for, if anything. */
  requested?: Locale;
  /** True when `locale` is not what was requested (or nothing was requested). */
  fallback: boolean;
}

/**
 * Picks a variant: the requested locale, then the template's default, then English, then any variant that
 * has the content. `has` says whether a locale's variant exists for the channel being rendered.
 */
export function chooseLocale(
  requested: Locale | undefined,
  defaultLocale: Locale | undefined,
  has: (l: Locale) => boolean,
): LocaleChoice | undefined {
  const chain = [requested, defaultLocale, 'en' as const, ...LOCALES].filter(
    (l): l is Locale => l !== undefined,
  );
  for (const l of chain) {
    if (has(l)) {
      const choice: LocaleChoice = { locale: l, fallback: l !== requested };
      if (requested) choice.requested = requested;
      return choice;
    }
  }
  return undefined;
}
