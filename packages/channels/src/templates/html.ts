// The HTML around an email body and the plain-text part derived from it. Email clients ignore <style> in
// places and most CSS layout, so the layout is a table with inline styles, 600px wide at most.
import { directionOf } from './locale';

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  zwnj: '\u200c',
};

/** Escapes text for HTML content and attributes. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[name.toLowerCase()] ?? m;
  });
}

/**
 * Derives a readable plain-text part from HTML: block elements become line breaks, links keep their
 * address in parentheses, list items get a dash, hidden preheaders and <head> content are dropped.
 */
export function htmlToText(html: string): string {
  let s = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<[^>]+display\s*:\s*none[^>]*>[\s\S]*?<\/[a-z0-9]+\s*>/gi, '');
  s = s.replace(
    /<a\b[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a\s*>/gi,
    (_m, _q, href: string, inner: string) => {
      // Compare decoded forms, but keep the raw ones: the whole text is decoded once at the end.
      const rawLabel = inner.replace(/<[^>]+>/g, '').trim();
      const label = decodeEntities(rawLabel);
      const url = decodeEntities(href).trim();
      if (!label) return href.trim();
      if (!url || url.startsWith('#') || label === url || `mailto:${label}` === url) return rawLabel;
      return `${rawLabel} (${href.trim()})`;
    },
  );
  s = s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|h[1-6]|tr|table|ul|ol|li|blockquote|section|header|footer)\s*>/gi, '\n\n')
    .replace(/<(p|div|h[1-6]|tr|table|blockquote|section|header|footer)\b[^>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<hr\b[^>]*>/gi, '\n----\n')
    .replace(/<[^>]+>/g, '');
  s = decodeEntities(s);
  return s
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Words of the email chrome, per locale. */
const CHROME: Record<string, { unsubscribe: string }> = {
  fa: { unsubscribe: 'لغو اشتراک' },
  ar: { unsubscribe: 'إلغاء الاشتراك' },
  en: { unsubscribe: 'Unsubscribe' },
};

/** The localized label of the unsubscribe link. */
export function unsubscribeLabel(locale: string): string {
  return (CHROME[locale] ?? CHROME.en!).unsubscribe;
}

/** Whether an HTML body is already a full document (then it is sent as written). */
export function isFullDocument(html: string): boolean {
  return /<html[\s>]/i.test(html);
}

/**
 * Wraps a rendered body in the responsive layout: a centred 600px table, inline styles, `dir` and `lang`
 * on <html> and on the content cell, text aligned right for fa/ar. `footerHtml` goes under the card.
 */
export function emailLayout(opts: {
  locale: string;
  subject: string;
  bodyHtml: string;
  preheader?: string;
  footerHtml?: string;
}): string {
  const dir = directionOf(opts.locale);
  const align = dir === 'rtl' ? 'right' : 'left';
  const font =
    dir === 'rtl'
      ? "Tahoma, 'Segoe UI', Arial, sans-serif"
      : "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
  const preheader = opts.preheader
    ? `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${escapeHtml(opts.preheader)}</div>\n`
    : '';
  const footer = opts.footerHtml
    ? `<tr><td dir="${dir}" style="padding:16px 24px;font-family:${font};font-size:12px;line-height:1.6;color:#6b7280;text-align:${align};">${opts.footerHtml}</td></tr>\n`
    : '';
  return `<!DOCTYPE html>
<html dir="${dir}" lang="${opts.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>${escapeHtml(opts.subject)}</title>
</head>
<body dir="${dir}" style="margin:0;padding:0;background-color:#f3f4f6;">
${preheader}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;">
<tr><td dir="${dir}" style="background-color:#ffffff;border-radius:8px;padding:24px;font-family:${font};font-size:16px;line-height:1.8;color:#111827;text-align:${align};">
${opts.bodyHtml}
</td></tr>
${footer}</table>
</td></tr>
</table>
</body>
</html>
`;
}
