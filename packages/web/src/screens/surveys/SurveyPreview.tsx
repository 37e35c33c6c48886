// A rendered preview of the survey in each of its languages (the hosted page /s/:id cannot be framed: it
// sends frame-ancestors 'none' and only opens active anonymous surveys, so drafts are previewed here).
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { Select } from '../../ui/Field';
import { langDir, scaleOf, type Lang, type SurveyDefinition } from './model';

export function SurveyPreview({ def }: { def: SurveyDefinition }) {
  const { t } = useI18n();
  const [lang, setLang] = useState<Lang>(def.languages[0] ?? 'en');
  const [answers, setAnswers] = useState<Record<string, unknown>>({});
  const l = def.languages.includes(lang) ? lang : (def.languages[0] ?? 'en');
  const tx = (v: Partial<Record<Lang, string>> | undefined) => v?.[l] ?? '';
  const end = def.endScreens[0];
  return (
    <div className="survey-preview-wrap">
      <Select
        label={t('surveys.previewLanguage')}
        value={l}
        options={def.languages.map((x) => ({ value: x, label: t(`surveys.lang.${x}`) }))}
        onChange={(s) => setLang(s as Lang)}
      />
      <p className="muted small">{t('surveys.previewNote')}</p>
      <article
        className="survey-preview"
        lang={l}
        dir={langDir(l)}
        aria-label={t('surveys.tab.preview')}
        data-testid="survey-preview"
      >
        {def.intro && <h2>{tx(def.intro)}</h2>}
        {def.questions.map((q) => {
          const scale = scaleOf(q);
          const name = `pv-${q.id}`;
          return (
            <fieldset key={q.id} className="pv-question">
              <legend>
                {tx(q.title) || <span className="bad">{t('surveys.missingText')}</span>}
                {q.required && <span aria-hidden="true"> *</span>}
              </legend>
              {q.description && <p className="muted">{tx(q.description)}</p>}
              {scale.length > 0 && (
                <>
                  <div className="pv-scale" role="radiogroup" aria-label={tx(q.title)}>
                    {scale.map((n) => (
                      <label key={n} className={`pv-point${answers[q.id] === n ? ' is-on' : ''}`}>
                        <input
                          type="radio"
                          name={name}
                          checked={answers[q.id] === n}
                          onChange={() => setAnswers({ ...answers, [q.id]: n })}
                        />
                        <span>
                          {q.style === 'stars'
                            ? '★'
                            : new Intl.NumberFormat(
                                l === 'fa' ? 'fa-IR' : l === 'ar' ? 'ar-u-nu-latn' : 'en',
                              ).format(n)}
                        </span>
                      </label>
                    ))}
                  </div>
                  {(q.lowLabel || q.highLabel) && (
                    <div className="pv-scale-labels">
                      <span>{tx(q.lowLabel)}</span>
                      <span>{tx(q.highLabel)}</span>
                    </div>
                  )}
                </>
              )}
              {(q.type === 'single_choice' || q.type === 'multiple_choice') &&
                (q.choices ?? []).map((c) => {
                  const multi = q.type === 'multiple_choice';
                  const cur = answers[q.id];
                  const on = multi ? Array.isArray(cur) && cur.includes(c.id) : cur === c.id;
                  return (
                    <label key={c.id} className="pv-choice">
                      <input
                        type={multi ? 'checkbox' : 'radio'}
                        name={name}
                        checked={on}
                        onChange={() => {
                          if (!multi) return setAnswers({ ...answers, [q.id]: c.id });
                          const list = Array.isArray(cur) ? (cur as string[]) : [];
                          setAnswers({
                            ...answers,
                            [q.id]: on ? list.filter((x) => x !== c.id) : [...list, c.id],
                          });
                        }}
                      />{' '}
                      {tx(c.label)}
                    </label>
                  );
                })}
              {q.type === 'open_text' && (
                <textarea
                  aria-label={tx(q.title)}
                  rows={q.multiline ? 4 : 1}
                  placeholder={tx(q.placeholder)}
                  value={String(answers[q.id] ?? '')}
                  onChange={(e) => setAnswers({ ...answers, [q.id]: e.target.value })}
                />
              )}
            </fieldset>
          );
        })}
        {end && (
          <footer className="pv-end">
            <strong>{tx(end.title)}</strong>
            {end.body && <p>{tx(end.body)}</p>}
          </footer>
        )}
      </article>
    </div>
  );
}
