// SMS length and segments. A GSM-7 message holds 160 septets (153 per part once concatenated, the rest is
// the UDH); characters from the extension table take two septets (escape + char) and are never split
// across parts. Anything outside GSM-7 (Persian, Arabic, most emoji) forces UCS-2: 70 UTF-16 units, 67 per
// part, and a surrogate pair is never split either.

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set([...GSM_BASIC].filter((c) => c !== '\u001b'));
const EXTENDED = new Set(GSM_EXTENDED);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** The length of an SMS as a phone network counts it. */
export interface SmsLength {
  encoding: SmsEncoding;
  /** Characters as a person counts them (Unicode code points). */
  characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** Units one part holds for this message: 160/153 (GSM-7) or 70/67 (UCS-2). */
  perSegment: number;
  /** Units left in the last part before another part is needed. */
  remaining: number;
}

/** Counts encoding, units and segments of an SMS text. */
export function smsLength(text: string): SmsLength {
  const chars = [...text];
  const gsm = chars.every((c) => BASIC.has(c) || EXTENDED.has(c));
  // Units per character, in order, so parts can be filled without splitting a character.
  const sizes = chars.map((c) => (gsm ? (EXTENDED.has(c) ? 2 : 1) : c.length));
  const units = sizes.reduce((a, b) => a + b, 0);
  const single = gsm ? 160 : 70;
  const multi = gsm ? 153 : 67;
  if (units <= single) {
    return {
      encoding: gsm ? 'GSM-7' : 'UCS-2',
      characters: chars.length,
      units,
      segments: units === 0 ? 0 : 1,
      perSegment: single,
      remaining: single - units,
    };
  }
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return {
    encoding: gsm ? 'GSM-7' : 'UCS-2',
    characters: chars.length,
    units,
    segments,
    perSegment: multi,
    remaining: multi - used,
  };
}
