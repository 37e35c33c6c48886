// Templates as the API speaks them (GET/POST/PUT /api/v1/templates) and the editor's helpers: the empty
// form of each channel, cleaning a draft for saving or previewing, and matching server fields to inputs.

export type Locale = 'fa' | 'ar' | 'en';
export const LOCALES: Locale[] = ['fa', 'ar', 'en'];
export type Channel = 'email' | 'sms' | 'push';
export const CHANNELS: Channel[] = ['email', 'sms', 'push'];

export interface EmailForm {
  subject: string;
  preheader?: string;
  html: string;
  text?: string;
}
export interface SmsForm {
  text: string;
}
export interface PushForm {
  title: string;
  body: string;
  url?: string;
  icon?: string;
}
export interface Variant {
  email?: EmailForm;
  sms?: SmsForm;
  push?: PushForm;
}
export type Variants = Partial<Record<Locale, Variant>>;

export interface Template {
  id: string;
  name: string;
  description: string | null;
  category: 'marketing' | 'transactional';
  group: string | null;
  defaultLocale: Locale | null;
  variants: Variants;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What the editor holds (and sends, once cleaned). */
export interface Draft {
  name: string;
  description: string;
  category: 'marketing' | 'transactional';
  group: string;
  defaultLocale: Locale | '';
  variants: Variants;
}

export interface ContentBlock {
  name: string;
  description: string | null;
  variants: Partial<Record<Locale, string>>;
  updatedAt: string;
}

export interface SubscriptionGroup {
  id: string;
  channel: Channel;
  mode: 'opt_in' | 'opt_out';
  labels: Partial<Record<Locale, { name: string; description?: string }>>;
  createdAt: number;
}

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  characters: number;
  units: number;
  segments: number;
  perSegment: number;
  remaining: number;
}

export interface TemplateError {
  code: string;
  field: string;
  message: string;
  line?: number;
  column?: number;
  variable?: string;
  block?: string;
}

export interface LocaleChoice {
  locale: string;
  requested: string | null;
  fallback: boolean;
}

export interface PreviewResult {
  ok: boolean;
  email?: { locale: LocaleChoice; dir: 'rtl' | 'ltr'; subject: string; html: string; text: string };
  sms?: { locale: LocaleChoice; text: string; length: SmsLength };
  push?: { locale: LocaleChoice; title: string; body: string; url?: string; icon?: string };
  errors: TemplateError[];
  profileId: string | null;
}

export const emptyForm = (channel: Channel): EmailForm | SmsForm | PushForm =>
  channel === 'email'
    ? { subject: '', preheader: '', html: '', text: '' }
    : channel === 'sms'
      ? { text: '' }
      : { title: '', body: '', url: '' };

export const REQUIRED: Record<Channel, string[]> = {
  email: ['subject', 'html'],
  sms: ['text'],
  push: ['title', 'body'],
};

export function draftOf(t: Template | undefined): Draft {
  if (!t)
    return { name: '', description: '', category: 'marketing', group: '', defaultLocale: '', variants: {} };
  return {
    name: t.name,
    description: t.description ?? '',
    category: t.category,
    group: t.group ?? '',
    defaultLocale: t.defaultLocale ?? '',
    variants: JSON.parse(JSON.stringify(t.variants)) as Variants,
  };
}

/**
 * The variants as the API wants them: empty optional fields dropped. For a preview, a form of another
 * channel that still misses a required field is left out too, so an unfinished SMS does not stop the
 * email preview.
 */
export function cleanVariants(variants: Variants, keepIncomplete: Channel | 'all' = 'all'): Variants {
  const out: Variants = {};
  for (const l of LOCALES) {
    const v = variants[l];
    if (!v) continue;
    const nv: Record<string, Record<string, string>> = {};
    for (const ch of CHANNELS) {
      const form = v[ch] as Record<string, string | undefined> | undefined;
      if (!form) continue;
      const req = REQUIRED[ch];
      if (keepIncomplete !== 'all' && ch !== keepIncomplete && req.some((k) => !form[k]?.trim())) continue;
      const f: Record<string, string> = {};
      for (const [k, val] of Object.entries(form))
        if (val !== undefined && (req.includes(k) || val.trim() !== '')) f[k] = val;
      nv[ch] = f;
    }
    if (Object.keys(nv).length > 0) out[l] = nv as Variant;
  }
  return out;
}

/**
 * The body of POST/PUT /api/v1/templates. Empty optional fields are left out rather than sent as null: the
 * server's schema coercion turns a null into "" (which then names a group "" that does not exist); a PUT
 * replaces the whole template, so a field left out is cleared.
 */
export function bodyOf(d: Draft, variants: Variants = cleanVariants(d.variants)) {
  return {
    name: d.name.trim(),
    ...(d.description.trim() ? { description: d.description.trim() } : {}),
    category: d.category,
    ...(d.group ? { group: d.group } : {}),
    ...(d.defaultLocale ? { defaultLocale: d.defaultLocale } : {}),
    variants,
  };
}

/** The `{% include %}` tag that puts a content block in a template. */
export const includeTag = (name: string) => `{% include "${name}" %}`;

/** Inserts text into a value at a selection, answering the new value and where the cursor goes. */
export function insertAt(value: string, start: number, end: number, text: string): [string, number] {
  const s = Math.max(0, Math.min(start, value.length));
  const e = Math.max(s, Math.min(end, value.length));
  return [value.slice(0, s) + text + value.slice(e), s + text.length];
}
