// The Liquid sandbox. Templates are written by marketing users, so they run with no file system (content
// blocks come from an in-memory map), no prototype access, strict variables (a missing value is an error,
// never a silent blank) and limits on template size, render time, allocations and output size.
import { Liquid } from 'liquidjs';
import type { Template } from 'liquidjs';
import { LOCALES } from './locale';
import type { Locale } from './locale';

/** Limits applied to every rendered field. */
export interface TemplateLimits {
  /** Characters of template source (with its blocks) parsed at once. */
  maxTemplateChars: number;
  /** Characters one rendered field may produce. */
  maxOutputChars: number;
  /** Milliseconds one field may take to render (bounds loops). */
  renderTimeMs: number;
  /** Liquid's allocation budget (ranges, joins, appends), which bounds loops over generated data. */
  memoryLimit: number;
}

export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = {
  maxTemplateChars: 200_000,
  maxOutputChars: 500_000,
  renderTimeMs: 1_000,
  memoryLimit: 20_000_000,
};

/**
 * Content blocks shared across channels and templates (price, shipping terms, footer): a Liquid source,
 * or one per locale. Templates include them with `{% render 'footer' %}` (own scope, pass variables
 * explicitly: `{% render 'price', product: product %}`) or `{% include 'footer' %}` (sees every variable).
 */
export type ContentBlocks = Record<string, string | Partial<Record<Locale, string>>>;

export type TemplateErrorCode =
  | 'syntax_error'
  | 'missing_variable'
  | 'unknown_filter'
  | 'missing_block'
  | 'output_too_large'
  | 'limit_exceeded'
  | 'invalid_value'
  | 'no_variant'
  | 'render_error';

/** One problem in a template, located as precisely as Liquid allows. */
export interface TemplateError {
  code: TemplateErrorCode;
  /** Which part: `email.subject`, `email.html`, `sms.text`, `push.title`… */
  field: string;
  /** What is wrong and how to fix it, with the place. */
  message: string;
  line?: number;
  column?: number;
  /** For `missing_variable`: the variable, e.g. `profile.traits.first_name`. */
  variable?: string;
  /** When the problem is inside a content block, its name (line and column are then inside the block). */
  block?: string;
}

/** Thrown by the render functions; `preview` returns the same errors instead. */
export class TemplateRenderError extends Error {
  constructor(readonly errors: TemplateError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'TemplateRenderError';
  }
}

export type FieldResult = { ok: true; value: string } | { ok: false; errors: TemplateError[] };

/** Formats numbers with the locale's digits and grouping (Persian digits for fa, Arabic-Indic for ar). */
const NUMBER_LOCALES: Record<Locale, string> = { fa: 'fa-IR', ar: 'ar-EG', en: 'en-US' };
// Iranian rial and toman amounts have no minor unit in practice.
const NO_DECIMALS = new Set(['IRR', 'IRT']);

/** Renders Liquid fields for one set of content blocks; one Liquid instance per locale and escaping mode. */
export class TemplateSandbox {
  private readonly limits: TemplateLimits;
  private readonly engines = new Map<
    string,
    { liquid: Liquid; blocks: Map<string, string>; cache: Map<string, Template[]> }
  >();

  constructor(
    private readonly blocks: ContentBlocks = {},
    limits: Partial<TemplateLimits> = {},
  ) {
    this.limits = { ...DEFAULT_TEMPLATE_LIMITS, ...limits };
  }

  /** Renders one field; `html` escapes every output (use `| raw` for trusted markup). Never throws. */
  async render(
    source: string,
    data: object,
    opts: { field: string; locale: Locale; html: boolean },
  ): Promise<FieldResult> {
    const engine = this.engine(opts.locale, opts.html);
    let parsed = engine.cache.get(source);
    try {
      if (!parsed) {
        parsed = engine.liquid.parse(source);
        if (engine.cache.size >= 500) engine.cache.clear();
        engine.cache.set(source, parsed);
      }
      const value = String(
        await engine.liquid.render(parsed, data, {
          renderLimit: this.limits.renderTimeMs,
          memoryLimit: this.limits.memoryLimit,
        }),
      );
      if (value.length > this.limits.maxOutputChars) {
        return {
          ok: false,
          errors: [
            {
              code: 'output_too_large',
              field: opts.field,
              message: `${opts.field}: the rendered text is ${value.length} characters, over the limit of ${this.limits.maxOutputChars}; shorten loops (for … limit: n) or raise maxOutputChars`,
            },
          ],
        };
      }
      return { ok: true, value };
    } catch (err) {
      return { ok: false, errors: toTemplateErrors(err, opts.field, engine.blocks) };
    }
  }

  private engine(locale: Locale, html: boolean) {
    const key = `${locale}:${html ? 'html' : 'text'}`;
    let engine = this.engines.get(key);
    if (!engine) {
      const templates: Record<string, string> = {};
      const blocks = new Map<string, string>();
      for (const [name, value] of Object.entries(this.blocks)) {
        const source = typeof value === 'string' ? value : pickLocale(value, locale);
        if (source !== undefined) {
          templates[name] = source;
          blocks.set(name, source);
        }
      }
      const liquid = new Liquid({
        templates, // in-memory only: include/render/layout never touch the file system
        relativeReference: false,
        strictVariables: true,
        lenientIf: true, // `{% if coupon %}` and `| default:` are the explicit ways to allow a missing value
        strictFilters: true,
        ownPropertyOnly: true,
        catchAllErrors: true, // report every missing variable at once, not only the first
        parseLimit: this.limits.maxTemplateChars,
        ...(html ? { outputEscape: 'escape' as const } : {}),
        locale: NUMBER_LOCALES[locale],
      });
      const numberLocale = NUMBER_LOCALES[locale];
      liquid.registerFilter('number', (v: unknown, digits?: unknown) =>
        new Intl.NumberFormat(numberLocale, {
          maximumFractionDigits: typeof digits === 'number' ? digits : 2,
        }).format(Number(v)),
      );
      liquid.registerFilter('money', (v: unknown, currency?: unknown) => {
        const code = typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : 'USD';
        if (code === 'IRT') {
          const n = new Intl.NumberFormat(numberLocale, { maximumFractionDigits: 0 }).format(Number(v));
          return locale === 'fa' ? `${n} تومان` : `${n} toman`;
        }
        return new Intl.NumberFormat(numberLocale, {
          style: 'currency',
          currency: code,
          ...(NO_DECIMALS.has(code) ? { maximumFractionDigits: 0 } : {}),
        }).format(Number(v));
      });
      engine = { liquid, blocks, cache: new Map() };
      this.engines.set(key, engine);
    }
    return engine;
  }
}

function pickLocale(value: Partial<Record<Locale, string>>, locale: Locale): string | undefined {
  return value[locale] ?? value.en ?? LOCALES.map((l) => value[l]).find((v) => v !== undefined);
}

interface LiquidLikeError {
  name?: string;
  message?: string;
  errors?: unknown[];
  originalError?: { message?: string };
  token?: { input?: string; getPosition?: () => [number, number] };
}

/** Flattens Liquid's errors (nested for content blocks) into located TemplateErrors. */
export function toTemplateErrors(err: unknown, field: string, blocks: Map<string, string>): TemplateError[] {
  const e = err as LiquidLikeError;
  if (Array.isArray(e?.errors)) return e.errors.flatMap((x) => toTemplateErrors(x, field, blocks));
  const raw = (e?.originalError?.message ?? e?.message ?? String(err)).replace(/, line:\d+, col:\d+$/, '');
  const [line, column] = e?.token?.getPosition?.() ?? [];
  let block: string | undefined;
  const input = e?.token?.input;
  if (input !== undefined) {
    for (const [name, source] of blocks) if (source === input) block = name;
  }
  const where =
    `${field}` +
    (block ? ` (content block "${block}")` : '') +
    (line !== undefined ? ` line ${line}, column ${column}` : '');
  const base = { field, ...(line !== undefined ? { line, column } : {}), ...(block ? { block } : {}) };

  let m: RegExpExecArray | null;
  if ((m = /undefined variable: (.+)$/.exec(raw))) {
    const variable = m[1]!.trim();
    return [
      {
        ...base,
        code: 'missing_variable',
        variable,
        message: `${where}: the variable ${variable} is not set for this message; pass it, or write {{ ${variable} | default: "…" }} or {% if ${variable} %}…{% endif %} to allow it to be missing`,
      },
    ];
  }
  if ((m = /undefined filter: (.+)$/.exec(raw))) {
    return [
      {
        ...base,
        code: 'unknown_filter',
        message: `${where}: there is no filter named "${m[1]!.trim()}"; check its spelling`,
      },
    ];
  }
  if ((m = /Failed to lookup "([^"]*)"/.exec(raw))) {
    const known = [...blocks.keys()].join(', ') || 'none';
    return [
      {
        ...base,
        code: 'missing_block',
        message: `${where}: there is no content block named "${m[1]}" (blocks: ${known}); templates can only include content blocks, never files`,
      },
    ];
  }
  if (/limit exceeded/.test(raw)) {
    return [
      {
        ...base,
        code: 'limit_exceeded',
        message: `${where}: ${raw} (the template loops too long or builds too much text); bound loops with limit: or shorten the template`,
      },
    ];
  }
  if (e?.name === 'ParseError' || e?.name === 'TokenizationError') {
    return [{ ...base, code: 'syntax_error', message: `${where}: ${raw}; fix the Liquid syntax there` }];
  }
  return [{ ...base, code: 'render_error', message: `${where}: ${raw}` }];
}
