// The hosted survey page: plain server-rendered HTML with a few lines of vanilla JS, no framework. It works
// without JS (one form posting every answer) and with it (one question at a time, saved after each, skip
// logic decided by the server). Accessibility: every question is a fieldset with a legend (open text: a
// label), native radio / checkbox inputs (keyboard and screen readers for free), visible focus, AA contrast,
// `lang` and `dir` from the survey language; right-to-left pages mirror scales (0 on the right).
import {
  RTL_LANGUAGES,
  localize,
  scaleOf,
  type EndScreen,
  type Question,
  type Survey,
  type SurveyLanguage,
} from '@omnicx/core';

/** Interface strings of the page in each language. */
export const UI: Record<
  SurveyLanguage,
  {
    survey: string;
    next: string;
    submit: string;
    required: string;
    optional: string;
    invalid: string;
    expired: string;
    closed: string;
    notFound: string;
    error: string;
    selectUpTo: string;
    stars: string;
  }
> = {
  fa: {
    survey: 'نظرسنجی',
    next: 'بعدی',
    submit: 'ارسال',
    required: 'لطفاً به این پرسش پاسخ دهید.',
    optional: 'اختیاری',
    invalid: 'این پیوند نظرسنجی معتبر نیست.',
    expired: 'مهلت این پیوند نظرسنجی تمام شده است.',
    closed: 'این نظرسنجی دیگر پاسخ نمی‌پذیرد.',
    notFound: 'نظرسنجی‌ای در این نشانی نیست.',
    error: 'ذخیره نشد. لطفاً دوباره تلاش کنید.',
    selectUpTo: 'حداکثر {n} گزینه',
    stars: 'ستاره',
  },
  ar: {
    survey: 'استطلاع',
    next: 'التالي',
    submit: 'إرسال',
    required: 'يرجى الإجابة عن هذا السؤال.',
    optional: 'اختياري',
    invalid: 'رابط الاستطلاع هذا غير صالح.',
    expired: 'انتهت صلاحية رابط الاستطلاع هذا.',
    closed: 'لم يعد هذا الاستطلاع يقبل الإجابات.',
    notFound: 'لا يوجد استطلاع على هذا العنوان.',
    error: 'لم يتم الحفظ. يرجى المحاولة مرة أخرى.',
    selectUpTo: 'حتى {n} خيارات',
    stars: 'نجوم',
  },
  en: {
    survey: 'Survey',
    next: 'Next',
    submit: 'Submit',
    required: 'Please answer this question.',
    optional: 'optional',
    invalid: 'This survey link is not valid.',
    expired: 'This survey link has expired.',
    closed: 'This survey is no longer accepting responses.',
    notFound: 'There is no survey at this address.',
    error: 'Not saved. Please try again.',
    selectUpTo: 'up to {n} choices',
    stars: 'stars',
  },
};

/** Escapes text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const numberFormats = new Map<SurveyLanguage, Intl.NumberFormat>();
/** A number in the page language's digits (Persian ۰–۹ in fa, Arabic-Indic where the locale uses them). */
export function digits(n: number, lang: SurveyLanguage): string {
  let f = numberFormats.get(lang);
  if (!f) numberFormats.set(lang, (f = new Intl.NumberFormat(lang, { useGrouping: false })));
  return f.format(n);
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Tahoma,"Noto Sans Arabic","Vazirmatn",sans-serif;color:#1a1a1a;background:#f4f5f7}
main{max-width:40rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.3rem;margin:0 0 1rem}
fieldset{border:0;margin:0 0 1.5rem;padding:0;min-width:0}
legend,.qt{font-weight:600;font-size:1.1rem;margin-bottom:.5rem;padding:0;display:block}
.desc{color:#4a4a4a;margin:.25rem 0 .75rem}
.scale{display:flex;flex-wrap:wrap;gap:.35rem}
.pt{position:relative;flex:1 0 2.6rem;max-width:4rem}
.pt input,.ch input{position:absolute;opacity:0;width:1px;height:1px}
.pt span{display:flex;align-items:center;justify-content:center;min-height:2.75rem;border:2px solid #5f6b7a;border-radius:8px;font-weight:600;cursor:pointer;background:#fff}
.pt input:checked+span{background:#0b5cad;border-color:#0b5cad;color:#fff}
.pt input:focus-visible+span,.ch input:focus-visible+span{outline:3px solid #1a1a1a;outline-offset:2px}
.ends{display:flex;justify-content:space-between;color:#4a4a4a;font-size:.9rem;margin-top:.35rem;gap:1rem}
.ch{display:block;position:relative;margin:.35rem 0}
.ch span{display:block;padding:.7rem .9rem;border:2px solid #5f6b7a;border-radius:8px;cursor:pointer}
.ch input:checked+span{background:#e6f0fa;border-color:#0b5cad}
textarea,input[type=text]{width:100%;font:inherit;padding:.6rem;border:2px solid #5f6b7a;border-radius:8px}
textarea:focus,input[type=text]:focus{outline:3px solid #0b5cad;outline-offset:1px}
button{font:inherit;font-weight:600;background:#0b5cad;color:#fff;border:0;border-radius:8px;padding:.75rem 1.5rem;min-height:2.75rem;cursor:pointer}
button:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.err{color:#a4000f;font-weight:600;min-height:1.5em}
.js .q[hidden],.js .submit-all[hidden]{display:none}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** The widget and page share this shape: a survey in one language, ready to render. */
export interface PublicSurvey {
  id: string;
  language: SurveyLanguage;
  dir: 'rtl' | 'ltr';
  intro: string | null;
  questions: PublicQuestion[];
}

export interface PublicQuestion {
  id: string;
  type: Question['type'];
  title: string;
  description: string | null;
  required: boolean;
  /** Scale questions: the points from low to high (labels in the language's digits). */
  points?: { value: number; label: string }[];
  lowLabel?: string | null;
  highLabel?: string | null;
  choices?: { id: string; label: string }[];
  maxSelected?: number;
  multiline?: boolean;
  maxLength?: number;
  placeholder?: string | null;
}

/** A survey as a public, single-language document: nothing beyond what the respondent sees. */
export function publicSurvey(s: Survey, lang: SurveyLanguage): PublicSurvey {
  const t = (x: Parameters<typeof localize>[0]) => (x ? localize(x, lang) : null);
  return {
    id: s.id,
    language: lang,
    dir: RTL_LANGUAGES.has(lang) ? 'rtl' : 'ltr',
    intro: t(s.definition.intro),
    questions: s.definition.questions.map((q): PublicQuestion => {
      const base = {
        id: q.id,
        type: q.type,
        title: localize(q.title, lang),
        description: t(q.description),
        required: q.required === true,
      };
      const scale = scaleOf(q);
      if (scale && 'lowLabel' in q) {
        const points = [];
        for (let v = scale.min; v <= scale.max; v++) points.push({ value: v, label: digits(v, lang) });
        return { ...base, points, lowLabel: t(q.lowLabel), highLabel: t(q.highLabel) };
      }
      if (scale) {
        const points = [];
        for (let v = scale.min; v <= scale.max; v++) points.push({ value: v, label: digits(v, lang) });
        return { ...base, points };
      }
      if (q.type === 'single_choice' || q.type === 'multiple_choice')
        return {
          ...base,
          choices: q.choices.map((c) => ({ id: c.id, label: localize(c.label, lang) })),
          ...(q.type === 'multiple_choice' && q.maxSelected !== undefined
            ? { maxSelected: q.maxSelected }
            : {}),
        };
      if (q.type === 'open_text')
        return {
          ...base,
          multiline: q.multiline !== false,
          maxLength: q.maxLength ?? 2000,
          placeholder: t(q.placeholder),
        };
      return base;
    }),
  };
}

function questionHtml(q: PublicQuestion, lang: SurveyLanguage, i: number, error: string | null): string {
  const descId = `d-${esc(q.id)}`;
  const errId = `e-${esc(q.id)}`;
  const ui = UI[lang];
  const optional = q.required ? '' : ` <span class="desc">(${esc(ui.optional)})</span>`;
  const desc = q.description ? `<p class="desc" id="${descId}">${esc(q.description)}</p>` : '';
  const err = `<p class="err" id="${errId}" role="alert">${error ? esc(error) : ''}</p>`;
  const described = [q.description ? descId : '', errId].filter(Boolean).join(' ');
  const name = esc(q.id);
  let body: string;
  if (q.points) {
    const ends =
      q.lowLabel || q.highLabel
        ? `<div class="ends" id="x-${name}"><span>${esc(q.lowLabel ?? '')}</span><span>${esc(q.highLabel ?? '')}</span></div>`
        : '';
    const pts = q.points
      .map(
        (p) =>
          `<label class="pt"><input type="radio" name="${name}" value="${p.value}"${q.required ? ' required' : ''}><span>${esc(p.label)}${q.type === 'rating' ? '' : ''}</span></label>`,
      )
      .join('');
    body = `<fieldset aria-describedby="${described}${ends ? ` x-${name}` : ''}"><legend>${esc(q.title)}${optional}</legend>${desc}<div class="scale">${pts}</div>${ends}${err}</fieldset>`;
  } else if (q.choices) {
    const multi = q.type === 'multiple_choice';
    const hint =
      multi && q.maxSelected
        ? `<p class="desc">${esc(ui.selectUpTo.replace('{n}', digits(q.maxSelected, lang)))}</p>`
        : '';
    const chs = q.choices
      .map(
        (c) =>
          `<label class="ch"><input type="${multi ? 'checkbox' : 'radio'}" name="${name}" value="${esc(c.id)}"${q.required && !multi ? ' required' : ''}><span>${esc(c.label)}</span></label>`,
      )
      .join('');
    body = `<fieldset aria-describedby="${described}"><legend>${esc(q.title)}${optional}</legend>${desc}${hint}${chs}${err}</fieldset>`;
  } else {
    const ph = q.placeholder ? ` placeholder="${esc(q.placeholder)}"` : '';
    const field = q.multiline
      ? `<textarea id="f-${name}" name="${name}" rows="4" maxlength="${q.maxLength ?? 2000}" aria-describedby="${described}"${ph}${q.required ? ' required' : ''}></textarea>`
      : `<input type="text" id="f-${name}" name="${name}" maxlength="${q.maxLength ?? 2000}" aria-describedby="${described}"${ph}${q.required ? ' required' : ''}>`;
    body = `<label class="qt" for="f-${name}">${esc(q.title)}${optional}</label>${desc}${field}${err}`;
  }
  return `<div class="q" data-q="${name}" data-i="${i}">${body}<button type="button" class="next" hidden>${esc(ui.next)}</button></div>`;
}

function page(lang: SurveyLanguage, title: string, body: string, nonce: string, script = ''): string {
  const dir = RTL_LANGUAGES.has(lang) ? 'rtl' : 'ltr';
  return `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title><style nonce="${nonce}">${CSS}</style></head><body><main>${body}</main>${script ? `<script nonce="${nonce}">${script}</script>` : ''}</body></html>`;
}

/** A message page (invalid or expired link, closed survey) in a language. */
export function renderMessage(lang: SurveyLanguage, message: string, nonce: string): string {
  return page(lang, UI[lang].survey, `<div class="card"><h1>${esc(message)}</h1></div>`, nonce);
}

/** The end screen after a one-shot form post (or when the page is reloaded after finishing). */
export function renderEnd(lang: SurveyLanguage, end: EndScreen, nonce: string): string {
  const body = end.body ? `<p>${esc(localize(end.body, lang))}</p>` : '';
  return page(
    lang,
    UI[lang].survey,
    `<div class="card" role="status"><h1>${esc(localize(end.title, lang))}</h1>${body}</div>`,
    nonce,
  );
}

/**
 * The survey page. `action` is where answers are posted (the same path); `errors` (by question id) come
 * from a refused form post; `storageKey` names where the page keeps an anonymous response's resume key.
 */
export function renderSurveyPage(
  s: Survey,
  lang: SurveyLanguage,
  o: {
    action: string;
    nonce: string;
    errors?: Record<string, string>;
    anonymous: boolean;
    /** Kept on every post: `?channel=qr` for a page opened from a QR code. */
    query?: string;
  },
): string {
  const ps = publicSurvey(s, lang);
  const ui = UI[lang];
  const heading = ps.intro ?? ui.survey;
  const qs = ps.questions.map((q, i) => questionHtml(q, lang, i, o.errors?.[q.id] ?? null)).join('');
  const form = `<form id="survey" class="card" method="post" action="${esc(o.action + (o.query ?? ''))}" novalidate><h1 id="h">${esc(heading)}</h1><p class="err" id="form-err" role="alert"></p>${qs}<button type="submit" class="submit-all">${esc(ui.submit)}</button></form>`;
  const config = JSON.stringify({
    action: o.action,
    q: o.query ?? '',
    anonymous: o.anonymous,
    required: ui.required,
    error: ui.error,
    submit: ui.submit,
    next: ui.next,
    last: ps.questions.length - 1,
  }).replace(/</g, '\\u003c');
  return page(lang, heading, form, o.nonce, PAGE_SCRIPT.replace('__CONFIG__', config));
}

// One question at a time; after each, the answers so far are saved and the server says what comes next
// (skip logic lives in core, not here). Anonymous pages keep their response id and resume key in
// sessionStorage so a reload continues the same response.
const PAGE_SCRIPT = `(function(){
var C=__CONFIG__,f=document.getElementById('survey'),qs=[].slice.call(f.querySelectorAll('.q')),cur=0,st={};
var key='omnicx:'+C.action;try{st=JSON.parse(sessionStorage.getItem(key)||'{}')}catch(e){}
if(C.anonymous&&!st.aid){try{st.aid=localStorage.getItem('omnicx_aid')||(crypto.randomUUID?crypto.randomUUID():String(Math.random()).slice(2));localStorage.setItem('omnicx_aid',st.aid)}catch(e){st.aid=String(Math.random()).slice(2)}}
document.documentElement.classList.add('js');f.classList.add('js');
f.querySelector('.submit-all').hidden=true;
function show(i){qs.forEach(function(q,j){q.hidden=j!==i});cur=i;var b=qs[i].querySelector('.next');b.hidden=false;b.textContent=i===C.last?C.submit:C.next;}
function answers(){var a={};qs.forEach(function(q){var id=q.getAttribute('data-q'),els=f.elements.namedItem(id);if(!els)return;var list=els.length!==undefined&&els.tagName===undefined?[].slice.call(els):[els];var multi=list.length&&list[0].type==='checkbox';var v=multi?[]:'';list.forEach(function(e){if(e.type==='radio'||e.type==='checkbox'){if(e.checked){if(multi)v.push(e.value);else v=e.value}}else v=e.value});if(multi?v.length:v!=='')a[id]=v});return a}
function say(q,msg){var e=q?q.querySelector('.err'):document.getElementById('form-err');e.textContent=msg}
function finish(end){f.innerHTML='';var h=document.createElement('h1');h.tabIndex=-1;h.textContent=end.title;f.appendChild(h);if(end.body){var p=document.createElement('p');p.textContent=end.body;f.appendChild(p)}f.setAttribute('role','status');h.focus();try{sessionStorage.removeItem(key)}catch(e){}}
function go(){var q=qs[cur],id=q.getAttribute('data-q'),a=answers();say(q,'');say(null,'');
var body={answers:a,through:id};if(st.responseId){body.responseId=st.responseId;body.resumeKey=st.resumeKey}if(st.aid)body.anonymousId=st.aid;
var b=q.querySelector('.next');b.disabled=true;
fetch(C.action+'/responses'+C.q,{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(body)}).then(function(r){return r.json().then(function(j){return{s:r.status,j:j}})}).then(function(r){b.disabled=false;
if(r.s>=400){var e=r.j.error||{},d=(e.details||[])[0]||{};var target=d.questionId?qs.filter(function(x){return x.getAttribute('data-q')===d.questionId})[0]:null;var msg=e.code==='required'||d.code==='required'?C.required:(e.message||C.error);say(target||q,msg);(target||q).querySelector('input,textarea').focus();return}
if(r.j.responseId){st.responseId=r.j.responseId;if(r.j.resumeKey)st.resumeKey=r.j.resumeKey;try{sessionStorage.setItem(key,JSON.stringify(st))}catch(e){}}
if(r.j.end){finish(r.j.end);return}
var n=qs.filter(function(x){return x.getAttribute('data-q')===r.j.next})[0];if(n){show(qs.indexOf(n));var t=n.querySelector('legend,label');if(t){t.tabIndex=-1;t.focus()}}
}).catch(function(){b.disabled=false;say(q,C.error)})}
qs.forEach(function(q){q.querySelector('.next').addEventListener('click',go)});
f.addEventListener('submit',function(e){e.preventDefault();go()});
f.addEventListener('keydown',function(e){if(e.key==='Enter'&&e.target.tagName==='INPUT'&&e.target.type!=='text'){e.preventDefault();go()}});
show(0);})();`;
