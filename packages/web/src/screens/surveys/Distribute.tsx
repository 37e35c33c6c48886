// Distribution: the anonymous page link with its QR code (for posters, receipts and store counters) and
// signed personal links for one profile.
import { useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Select, TextField } from '../../ui/Field';
import { ErrorBanner } from '../../ui/States';
import { QrCode } from '../../ui/QrCode';
import type { Survey } from './model';

interface Link {
  linkId: string;
  token: string;
  path: string;
  expiresAt: string;
  language: string;
}

function CopyButton({ text }: { text: string }) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  return (
    <Button
      variant="ghost"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setDone(true));
      }}
    >
      {done ? t('surveys.copied') : t('surveys.copy')}
    </Button>
  );
}

export function Distribute({ survey }: { survey: Survey }) {
  const { t, date } = useI18n();
  const { can } = useAuth();
  const [who, setWho] = useState('');
  const [lang, setLang] = useState('');
  const [channel, setChannel] = useState('email');
  const [link, setLink] = useState<Link | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const origin = window.location.origin;
  const anon = survey.anonymousPath ? origin + survey.anonymousPath : null;

  const create = async () => {
    setBusy(true);
    setError(undefined);
    setLink(undefined);
    try {
      const q = who.trim();
      const profileId = q.includes('@')
        ? (await api.get<{ id: string }>('/api/v1/profiles/lookup', { email: q })).id
        : q;
      setLink(
        await api.post<Link>(`/api/v1/surveys/${encodeURIComponent(survey.id)}/links`, {
          profileId,
          channel,
          ...(lang ? { lang } : {}),
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="distribute">
      <Card id="dist-anon" title={t('surveys.anonLink')}>
        {anon && survey.status === 'active' ? (
          <p className="link-row">
            <a href={anon} target="_blank" rel="noreferrer" dir="ltr" data-testid="anon-link">
              {anon}
            </a>{' '}
            <CopyButton text={anon} />
          </p>
        ) : (
          <p className="muted">{anon ? t('surveys.anonNotActive') : t('surveys.anonOff')}</p>
        )}
        {anon && survey.status === 'active' && (
          <QrCode
            text={`${anon}${anon.includes('?') ? '&' : '?'}channel=qr`}
            label={t('surveys.qrAlt')}
            download={t('surveys.qrDownload')}
            fileName={`survey-${survey.id}-qr.svg`}
          />
        )}
      </Card>
      <Card id="dist-personal" title={t('surveys.personalLink')}>
        <p className="muted small">{t('surveys.personalHelp')}</p>
        <form
          className="inline-fields"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <TextField
            label={t('surveys.profile')}
            hint={t('surveys.profileHint')}
            dir="ltr"
            value={who}
            onChange={setWho}
            required
          />
          <Select
            label={t('surveys.linkLanguage')}
            value={lang}
            options={[
              { value: '', label: t('surveys.profileLanguage') },
              ...survey.definition.languages.map((l) => ({ value: l, label: t(`surveys.lang.${l}`) })),
            ]}
            onChange={setLang}
          />
          <Select
            label={t('surveys.channel')}
            value={channel}
            options={['email', 'sms', 'push', 'chat', 'web', 'store', 'qr'].map((c) => ({
              value: c,
              label: t(`surveys.ch.${c}`),
            }))}
            onChange={setChannel}
          />
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            disabledReason={can('surveys:write') ? undefined : t('surveys.noWrite')}
          >
            {t('surveys.createLink')}
          </Button>
        </form>
        <ErrorBanner error={error} />
        {link && (
          <div className="link-result" role="status">
            <p className="link-row">
              <a href={origin + link.path} target="_blank" rel="noreferrer" dir="ltr" className="break">
                {origin + link.path}
              </a>{' '}
              <CopyButton text={origin + link.path} />
            </p>
            <p className="muted small">
              {t('surveys.linkExpires', {
                when: date(Date.parse(link.expiresAt)),
                lang: t(`surveys.lang.${link.language}`),
              })}
            </p>
            <p className="muted small">{t('surveys.linkSecret')}</p>
          </div>
        )}
      </Card>
    </div>
  );
}
