// Channels: the email (SMTP), SMS and web push providers, the sending policy (quiet hours, frequency caps,
// default time zone), subscription groups and the latest deliveries. Stored secrets come back as "[set]":
// the password fields show that as a placeholder and send "[set]" again to keep the stored value.
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Link, setQuery, useRoute } from '../../router';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Dialog } from '../../ui/Dialog';
import { Select, TextArea, TextField } from '../../ui/Field';
import { EmptyState, ErrorBanner, Spinner } from '../../ui/States';
import { Table } from '../../ui/Table';
import { Tabs } from '../../ui/Tabs';
import './channels.css';

type Locale = 'fa' | 'ar' | 'en';
const LOCALES: Locale[] = ['fa', 'ar', 'en'];
type Channel = 'email' | 'sms' | 'push';
const CHANNELS: Channel[] = ['email', 'sms', 'push'];
const SET = '[set]';
type Config = Record<string, unknown>;
type Settings = Partial<Record<Channel, { config: Config; updatedAt: string }>>;

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Config => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Config) : {});
/** Reads Persian / Arabic digits too. */
const toNum = (s: string) =>
  Number(
    s
      .replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d)))
      .replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d)))
      .trim(),
  );

export default function ChannelsScreen() {
  const { t } = useI18n();
  const { query } = useRoute();
  const tabs = ['email', 'sms', 'push', 'policy', 'groups', 'deliveries'];
  const tab = tabs.includes(query.get('tab') ?? '') ? query.get('tab')! : 'email';
  const [settings, setSettings] = useState<Settings>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    setError(undefined);
    api
      .get<{ channels: Settings }>('/api/v1/channels')
      .then((r) => setSettings(r.channels))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  let body: ReactNode;
  if (tab === 'policy') body = <PolicyForm />;
  else if (tab === 'groups') body = <Groups />;
  else if (tab === 'deliveries') body = <Deliveries />;
  else if (!settings) body = error ? null : <Spinner />;
  else if (tab === 'sms') body = <SmsForm saved={settings.sms} onSaved={load} />;
  else if (tab === 'push') body = <PushForm saved={settings.push} onSaved={load} />;
  else body = <EmailForm saved={settings.email} onSaved={load} />;

  return (
    <div>
      <h1>{t('channels.title')}</h1>
      <ErrorBanner error={error} onRetry={load} />
      <Tabs
        label={t('channels.title')}
        active={tab}
        onChange={(id) => setQuery({ tab: id === 'email' ? undefined : id })}
        tabs={[
          { id: 'email', label: t('channels.email') },
          { id: 'sms', label: t('channels.sms') },
          { id: 'push', label: t('channels.push') },
          { id: 'policy', label: t('channels.policy') },
          { id: 'groups', label: t('channels.groups') },
          { id: 'deliveries', label: t('channels.deliveries') },
        ]}
      >
        {body}
      </Tabs>
    </div>
  );
}

/** Write access, and the reason shown on disabled buttons. */
function useWrite() {
  const { can } = useAuth();
  const { t } = useI18n();
  const ok = can('channels:write');
  return { ok, reason: ok ? undefined : t('common.noPermissionAction', { permission: 'channels:write' }) };
}

/** A provider form: save (PUT) with the server's error at its field, remove (DELETE), a saved notice. */
function ProviderCard({
  channel,
  saved,
  onSaved,
  build,
  children,
  error,
  setError,
}: {
  channel: Channel;
  saved: { config: Config; updatedAt: string } | undefined;
  onSaved(): void;
  build(): Config;
  children: ReactNode;
  error: unknown;
  setError(e: unknown): void;
}) {
  const { t, date } = useI18n();
  const w = useWrite();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setDone(false);
    setError(undefined);
    try {
      await api.put(`/api/v1/channels/${channel}`, build());
      setDone(true);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!window.confirm(t('channels.confirmRemove', { channel: t(`channels.${channel}`) }))) return;
    setError(undefined);
    try {
      await api.del(`/api/v1/channels/${channel}`);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card
      title={t(`channels.${channel}Provider`)}
      id={`ch-${channel}`}
      actions={
        saved ? (
          <Badge tone="good">{t('channels.configuredAt', { at: date(Date.parse(saved.updatedAt)) })}</Badge>
        ) : (
          <Badge>{t('channels.notConfigured')}</Badge>
        )
      }
    >
      <form onSubmit={submit} data-testid={`ch-${channel}-form`}>
        <fieldset className="plain stack" disabled={!w.ok}>
          <legend className="visually-hidden">{t(`channels.${channel}Provider`)}</legend>
          {children}
        </fieldset>
        {error !== undefined && !(error instanceof ApiError && error.field) && <ErrorBanner error={error} />}
        <div className="aria-live" aria-live="polite">
          {done && (
            <p className="notice" data-testid={`ch-${channel}-saved`}>
              {t('channels.saved')}
            </p>
          )}
        </div>
        <div className="row form-actions">
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            disabledReason={w.reason}
            data-testid={`ch-${channel}-save`}
          >
            {t('common.save')}
          </Button>
          {saved && (
            <Button variant="danger" disabledReason={w.reason} onClick={remove}>
              {t('channels.remove')}
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}

const fieldErr = (error: unknown, ...fields: string[]) =>
  error instanceof ApiError && error.field && fields.includes(error.field) ? error.message : undefined;

function Check({
  label,
  checked,
  onChange,
  testId,
}: {
  label: string;
  checked: boolean;
  onChange(v: boolean): void;
  testId?: string;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={testId}
      />
      {label}
    </label>
  );
}

/** A secret: empty with a "[set]" placeholder when one is stored; left empty, the stored one is kept. */
function SecretField({
  label,
  stored,
  value,
  onChange,
  error,
  testId,
}: {
  label: string;
  stored: boolean;
  value: string;
  onChange(v: string): void;
  error?: string | undefined;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <TextField
      label={label}
      type="password"
      autoComplete="new-password"
      dir="ltr"
      value={value}
      onChange={onChange}
      placeholder={stored ? SET : ''}
      hint={stored ? t('channels.secretKept') : undefined}
      error={error}
      data-testid={testId}
    />
  );
}

function EmailForm({ saved, onSaved }: { saved: Settings['email']; onSaved(): void }) {
  const { t } = useI18n();
  const c = saved?.config ?? {};
  const smtp = obj(c.smtp);
  const auth = obj(smtp.auth);
  const tracking = obj(c.tracking);
  const storedPass = auth.pass === SET;
  const [f, setF] = useState({
    host: str(smtp.host),
    port: smtp.port === undefined ? '587' : String(smtp.port),
    secure: smtp.secure === true,
    ignoreTLS: smtp.ignoreTLS === true,
    user: str(auth.user),
    pass: '',
    from: str(c.from),
    replyTo: str(c.replyTo),
    unsubscribeMailto: str(c.unsubscribeMailto),
    opens: tracking.opens !== false,
    clicks: tracking.clicks !== false,
    perSecond: obj(c.rate).perSecond === undefined ? '' : String(obj(c.rate).perSecond),
  });
  const [error, setError] = useState<unknown>();
  const set = (patch: Partial<typeof f>) => setF((x) => ({ ...x, ...patch }));
  const build = (): Config => {
    const out: Config = { ...c };
    out.smtp = {
      host: f.host.trim(),
      port: toNum(f.port),
      ...(f.secure ? { secure: true } : {}),
      ...(f.ignoreTLS ? { ignoreTLS: true } : {}),
      ...(f.user.trim() ? { auth: { user: f.user.trim(), pass: f.pass || (storedPass ? SET : '') } } : {}),
    };
    out.from = f.from.trim();
    for (const k of ['replyTo', 'unsubscribeMailto'] as const) {
      if (f[k].trim()) out[k] = f[k].trim();
      else delete out[k];
    }
    out.tracking = { opens: f.opens, clicks: f.clicks };
    if (f.perSecond.trim()) out.rate = { perSecond: toNum(f.perSecond) };
    else delete out.rate;
    return out;
  };
  return (
    <ProviderCard
      channel="email"
      saved={saved}
      onSaved={onSaved}
      build={build}
      error={error}
      setError={setError}
    >
      <div className="grid">
        <TextField
          label={t('channels.smtpHost')}
          dir="ltr"
          value={f.host}
          onChange={(v) => set({ host: v })}
          error={fieldErr(error, 'smtp.host')}
          data-testid="ch-email-host"
        />
        <TextField
          label={t('channels.smtpPort')}
          dir="ltr"
          inputMode="numeric"
          value={f.port}
          onChange={(v) => set({ port: v })}
          error={fieldErr(error, 'smtp.port')}
          data-testid="ch-email-port"
        />
        <TextField
          label={t('channels.smtpUser')}
          dir="ltr"
          autoComplete="off"
          value={f.user}
          onChange={(v) => set({ user: v })}
          data-testid="ch-email-user"
        />
        <SecretField
          label={t('channels.smtpPass')}
          stored={storedPass}
          value={f.pass}
          onChange={(v) => set({ pass: v })}
          testId="ch-email-pass"
        />
        <TextField
          label={t('channels.from')}
          hint={t('channels.fromHint')}
          dir="ltr"
          value={f.from}
          onChange={(v) => set({ from: v })}
          error={fieldErr(error, 'from')}
          data-testid="ch-email-from"
        />
        <TextField
          label={t('channels.replyTo')}
          dir="ltr"
          type="email"
          value={f.replyTo}
          onChange={(v) => set({ replyTo: v })}
          error={fieldErr(error, 'replyTo')}
        />
        <TextField
          label={t('channels.unsubscribeMailto')}
          hint={t('channels.unsubscribeMailtoHint')}
          dir="ltr"
          value={f.unsubscribeMailto}
          onChange={(v) => set({ unsubscribeMailto: v })}
          error={fieldErr(error, 'unsubscribeMailto')}
        />
        <TextField
          label={t('channels.ratePerSecond')}
          hint={t('channels.rateHint')}
          dir="ltr"
          inputMode="decimal"
          value={f.perSecond}
          onChange={(v) => set({ perSecond: v })}
          error={fieldErr(error, 'rate.perSecond')}
        />
      </div>
      <div className="row">
        <Check label={t('channels.secure')} checked={f.secure} onChange={(v) => set({ secure: v })} />
        <Check
          label={t('channels.ignoreTLS')}
          checked={f.ignoreTLS}
          onChange={(v) => set({ ignoreTLS: v })}
        />
        <Check label={t('channels.trackOpens')} checked={f.opens} onChange={(v) => set({ opens: v })} />
        <Check label={t('channels.trackClicks')} checked={f.clicks} onChange={(v) => set({ clicks: v })} />
      </div>
      {c.dkim !== undefined && <p className="muted">{t('channels.dkimKept')}</p>}
    </ProviderCard>
  );
}

function SmsForm({ saved, onSaved }: { saved: Settings['sms']; onSaved(): void }) {
  const { t } = useI18n();
  const c = saved?.config ?? {};
  const [provider, setProvider] = useState(str(c.provider) || 'kavenegar');
  const [f, setF] = useState({
    accountSid: str(c.accountSid),
    authToken: '',
    apiKey: '',
    url: str(c.url),
    headers: '',
    body: c.body === undefined ? '' : JSON.stringify(c.body, null, 2),
    messageIdPath: str(c.messageIdPath),
    sender: str(c.sender) || str(c.from),
    perSecond: obj(c.rate).perSecond === undefined ? '' : String(obj(c.rate).perSecond),
  });
  const [error, setError] = useState<unknown>();
  const set = (patch: Partial<typeof f>) => setF((x) => ({ ...x, ...patch }));
  const stored = (k: string) => c.provider === provider && c[k] === SET;
  const build = (): Config => {
    const rate = f.perSecond.trim() ? { rate: { perSecond: toNum(f.perSecond) } } : {};
    const sender = f.sender.trim();
    if (provider === 'twilio')
      return {
        provider,
        accountSid: f.accountSid.trim(),
        authToken: f.authToken || (stored('authToken') ? SET : ''),
        ...(sender ? { from: sender } : {}),
        ...rate,
      };
    if (provider === 'kavenegar')
      return {
        provider,
        apiKey: f.apiKey || (stored('apiKey') ? SET : ''),
        ...(sender ? { sender } : {}),
        ...rate,
      };
    let headers: unknown = stored('headers') && !f.headers.trim() ? SET : undefined;
    let body: unknown;
    try {
      if (f.headers.trim()) headers = JSON.parse(f.headers);
    } catch {
      throw new ApiError(400, 'invalid_field', t('channels.badJson'), 'headers');
    }
    try {
      if (f.body.trim()) body = JSON.parse(f.body);
    } catch {
      throw new ApiError(400, 'invalid_field', t('channels.badJson'), 'body');
    }
    return {
      provider,
      url: f.url.trim(),
      ...(headers !== undefined ? { headers } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(f.messageIdPath.trim() ? { messageIdPath: f.messageIdPath.trim() } : {}),
      ...(sender ? { from: sender } : {}),
      ...rate,
    };
  };
  return (
    <ProviderCard
      channel="sms"
      saved={saved}
      onSaved={onSaved}
      build={build}
      error={error}
      setError={setError}
    >
      <Select
        label={t('channels.smsProvider')}
        value={provider}
        onChange={setProvider}
        error={fieldErr(error, 'provider')}
        options={[
          { value: 'kavenegar', label: t('channels.kavenegar') },
          { value: 'twilio', label: t('channels.twilio') },
          { value: 'http', label: t('channels.httpGateway') },
        ]}
        data-testid="ch-sms-provider"
      />
      <div className="grid">
        {provider === 'twilio' && (
          <>
            <TextField
              label={t('channels.accountSid')}
              dir="ltr"
              value={f.accountSid}
              onChange={(v) => set({ accountSid: v })}
              error={fieldErr(error, 'accountSid')}
            />
            <SecretField
              label={t('channels.authToken')}
              stored={stored('authToken')}
              value={f.authToken}
              onChange={(v) => set({ authToken: v })}
              error={fieldErr(error, 'authToken')}
            />
          </>
        )}
        {provider === 'kavenegar' && (
          <SecretField
            label={t('channels.apiKey')}
            stored={stored('apiKey')}
            value={f.apiKey}
            onChange={(v) => set({ apiKey: v })}
            error={fieldErr(error, 'apiKey')}
            testId="ch-sms-apikey"
          />
        )}
        {provider === 'http' && (
          <>
            <TextField
              label={t('channels.gatewayUrl')}
              dir="ltr"
              inputMode="url"
              value={f.url}
              onChange={(v) => set({ url: v })}
              error={fieldErr(error, 'url')}
            />
            <TextField
              label={t('channels.messageIdPath')}
              hint={t('channels.messageIdPathHint')}
              dir="ltr"
              value={f.messageIdPath}
              onChange={(v) => set({ messageIdPath: v })}
            />
          </>
        )}
        <TextField
          label={t('channels.senderId')}
          hint={t('channels.senderIdHint')}
          dir="ltr"
          value={f.sender}
          onChange={(v) => set({ sender: v })}
          data-testid="ch-sms-sender"
        />
        <TextField
          label={t('channels.ratePerSecond')}
          hint={t('channels.rateHint')}
          dir="ltr"
          inputMode="decimal"
          value={f.perSecond}
          onChange={(v) => set({ perSecond: v })}
          error={fieldErr(error, 'rate.perSecond')}
        />
      </div>
      {provider === 'http' && (
        <div className="grid">
          <TextArea
            label={t('channels.headers')}
            hint={stored('headers') ? t('channels.secretKept') : t('channels.headersHint')}
            placeholder={stored('headers') ? SET : '{"authorization": "Bearer …"}'}
            dir="ltr"
            rows={3}
            value={f.headers}
            onChange={(v) => set({ headers: v })}
            error={fieldErr(error, 'headers')}
          />
          <TextArea
            label={t('channels.bodyTemplate')}
            hint={t('channels.bodyTemplateHint')}
            dir="ltr"
            rows={3}
            value={f.body}
            onChange={(v) => set({ body: v })}
            error={fieldErr(error, 'body')}
          />
        </div>
      )}
    </ProviderCard>
  );
}

function PushForm({ saved, onSaved }: { saved: Settings['push']; onSaved(): void }) {
  const { t } = useI18n();
  const w = useWrite();
  const v = obj(saved?.config.vapid);
  const [f, setF] = useState({
    subject: str(v.subject),
    publicKey: str(v.publicKey),
    privateKey: '',
  });
  const [storedPrivate, setStoredPrivate] = useState(v.privateKey === SET);
  const [error, setError] = useState<unknown>();
  const [generating, setGenerating] = useState(false);
  const set = (patch: Partial<typeof f>) => setF((x) => ({ ...x, ...patch }));
  const generate = async () => {
    setGenerating(true);
    setError(undefined);
    try {
      const k = await api.post<{ publicKey: string; privateKey: string }>('/api/v1/channels/push/vapid');
      set({ publicKey: k.publicKey, privateKey: k.privateKey });
      setStoredPrivate(false);
    } catch (e) {
      setError(e);
    } finally {
      setGenerating(false);
    }
  };
  const build = (): Config => ({
    ...(saved?.config ?? {}),
    vapid: {
      subject: f.subject.trim(),
      publicKey: f.publicKey.trim(),
      privateKey: f.privateKey || (storedPrivate ? SET : ''),
    },
  });
  return (
    <ProviderCard
      channel="push"
      saved={saved}
      onSaved={onSaved}
      build={build}
      error={error}
      setError={setError}
    >
      <p className="muted">{t('channels.vapidIntro')}</p>
      <div className="row">
        <Button busy={generating} disabledReason={w.reason} onClick={generate} data-testid="ch-push-generate">
          {t('channels.generateVapid')}
        </Button>
      </div>
      <div className="grid">
        <TextField
          label={t('channels.vapidSubject')}
          hint={t('channels.vapidSubjectHint')}
          dir="ltr"
          value={f.subject}
          onChange={(x) => set({ subject: x })}
          error={fieldErr(error, 'vapid')}
          data-testid="ch-push-subject"
        />
        <TextField
          label={t('channels.publicKey')}
          dir="ltr"
          value={f.publicKey}
          onChange={(x) => set({ publicKey: x })}
          className="mono"
          data-testid="ch-push-public"
        />
        <SecretField
          label={t('channels.privateKey')}
          stored={storedPrivate}
          value={f.privateKey}
          onChange={(x) => set({ privateKey: x })}
          testId="ch-push-private"
        />
      </div>
    </ProviderCard>
  );
}

interface Cap {
  channel: Channel | '*';
  category?: 'marketing' | 'transactional';
  max: number;
  windowHours: number;
}
interface Policy {
  quietHours?: { start: string; end: string; channels?: Channel[]; transactional?: boolean };
  caps?: Cap[];
  defaultTimeZone?: string;
}

function PolicyForm() {
  const { t } = useI18n();
  const w = useWrite();
  const [loaded, setLoaded] = useState<Policy>();
  const [loadError, setLoadError] = useState<unknown>();
  const [quiet, setQuiet] = useState(false);
  const [start, setStart] = useState('21:00');
  const [end, setEnd] = useState('08:00');
  const [qChannels, setQChannels] = useState<Channel[]>([]);
  const [qTransactional, setQTransactional] = useState(false);
  const [caps, setCaps] = useState<{ channel: string; category: string; max: string; windowHours: string }[]>(
    [],
  );
  const [tz, setTz] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  useEffect(() => {
    api
      .get<Policy>('/api/v1/channels/policy')
      .then((p) => {
        setLoaded(p);
        setQuiet(!!p.quietHours);
        if (p.quietHours) {
          setStart(p.quietHours.start);
          setEnd(p.quietHours.end);
          setQChannels(p.quietHours.channels ?? []);
          setQTransactional(p.quietHours.transactional === true);
        }
        setCaps(
          (p.caps ?? []).map((c) => ({
            channel: c.channel,
            category: c.category ?? '',
            max: String(c.max),
            windowHours: String(c.windowHours),
          })),
        );
        setTz(p.defaultTimeZone ?? '');
      })
      .catch(setLoadError);
  }, []);
  if (loadError) return <ErrorBanner error={loadError} />;
  if (!loaded) return <Spinner />;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setDone(false);
    setError(undefined);
    const body: Policy = {
      ...(quiet
        ? {
            quietHours: {
              start,
              end,
              ...(qChannels.length ? { channels: qChannels } : {}),
              transactional: qTransactional,
            },
          }
        : {}),
      caps: caps.map((c) => ({
        channel: c.channel as Cap['channel'],
        ...(c.category ? { category: c.category as Cap['category'] & string } : {}),
        max: toNum(c.max),
        windowHours: toNum(c.windowHours),
      })),
      ...(tz.trim() ? { defaultTimeZone: tz.trim() } : {}),
    };
    try {
      await api.put('/api/v1/channels/policy', body);
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const setCap = (i: number, patch: Partial<(typeof caps)[number]>) =>
    setCaps((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const channelOptions = [
    { value: '*', label: t('channels.anyChannel') },
    ...CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) })),
  ];
  return (
    <form onSubmit={submit} className="stack" data-testid="ch-policy-form">
      <fieldset className="plain stack" disabled={!w.ok}>
        <legend className="visually-hidden">{t('channels.policy')}</legend>
        <Card title={t('channels.quietHours')} id="ch-quiet">
          <p className="muted">{t('channels.quietHoursIntro')}</p>
          <Check
            label={t('channels.quietHoursOn')}
            checked={quiet}
            onChange={setQuiet}
            testId="ch-quiet-on"
          />
          {quiet && (
            <div className="stack">
              <div className="row">
                <TextField
                  label={t('channels.quietStart')}
                  type="time"
                  dir="ltr"
                  value={start}
                  onChange={setStart}
                  data-testid="ch-quiet-start"
                />
                <TextField
                  label={t('channels.quietEnd')}
                  type="time"
                  dir="ltr"
                  value={end}
                  onChange={setEnd}
                  data-testid="ch-quiet-end"
                />
              </div>
              <fieldset className="plain">
                <legend>{t('channels.quietChannels')}</legend>
                <div className="row">
                  {CHANNELS.map((c) => (
                    <Check
                      key={c}
                      label={t(`channels.${c}`)}
                      checked={qChannels.includes(c)}
                      onChange={(on) => setQChannels((x) => (on ? [...x, c] : x.filter((y) => y !== c)))}
                    />
                  ))}
                </div>
                <p className="field-hint">{t('channels.quietChannelsHint')}</p>
              </fieldset>
              <Check
                label={t('channels.quietTransactional')}
                checked={qTransactional}
                onChange={setQTransactional}
              />
            </div>
          )}
        </Card>
        <Card
          title={t('channels.caps')}
          id="ch-caps"
          actions={
            <Button
              onClick={() =>
                setCaps((x) => [...x, { channel: '*', category: 'marketing', max: '3', windowHours: '168' }])
              }
              data-testid="ch-cap-add"
            >
              {t('channels.addCap')}
            </Button>
          }
        >
          <p className="muted">{t('channels.capsIntro')}</p>
          {caps.length === 0 ? (
            <p className="muted">{t('channels.noCaps')}</p>
          ) : (
            <ul className="cap-list">
              {caps.map((c, i) => (
                <li key={i} className="row">
                  <Select
                    label={t('channels.capChannel')}
                    value={c.channel}
                    onChange={(v) => setCap(i, { channel: v })}
                    options={channelOptions}
                  />
                  <Select
                    label={t('channels.capCategory')}
                    value={c.category}
                    onChange={(v) => setCap(i, { category: v })}
                    options={[
                      { value: '', label: t('channels.anyCategory') },
                      { value: 'marketing', label: t('channels.marketing') },
                      { value: 'transactional', label: t('channels.transactional') },
                    ]}
                  />
                  <TextField
                    label={t('channels.capMax')}
                    dir="ltr"
                    inputMode="numeric"
                    value={c.max}
                    onChange={(v) => setCap(i, { max: v })}
                    className="input-num"
                  />
                  <TextField
                    label={t('channels.capWindow')}
                    dir="ltr"
                    inputMode="decimal"
                    value={c.windowHours}
                    onChange={(v) => setCap(i, { windowHours: v })}
                    className="input-num"
                  />
                  <Button variant="ghost" onClick={() => setCaps((x) => x.filter((_, j) => j !== i))}>
                    {t('channels.removeCap')}
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={t('channels.timeZone')} id="ch-tz">
          <TextField
            label={t('channels.defaultTimeZone')}
            hint={t('channels.defaultTimeZoneHint')}
            dir="ltr"
            value={tz}
            onChange={setTz}
            placeholder="Asia/Tehran"
            data-testid="ch-tz"
          />
        </Card>
      </fieldset>
      {error !== undefined && <ErrorBanner error={error} />}
      <div aria-live="polite">
        {done && (
          <p className="notice" data-testid="ch-policy-saved">
            {t('channels.saved')}
          </p>
        )}
      </div>
      <div className="row">
        <Button
          type="submit"
          variant="primary"
          busy={busy}
          disabledReason={w.reason}
          data-testid="ch-policy-save"
        >
          {t('common.save')}
        </Button>
      </div>
    </form>
  );
}

interface Group {
  id: string;
  channel: Channel;
  mode: 'opt_in' | 'opt_out';
  labels: Partial<Record<Locale, { name: string; description?: string }>>;
  createdAt: number;
}

function Groups() {
  const { t, locale, date } = useI18n();
  const w = useWrite();
  const [groups, setGroups] = useState<Group[]>();
  const [error, setError] = useState<unknown>();
  const [editing, setEditing] = useState<Group | 'new' | undefined>();
  const load = useCallback(() => {
    api
      .get<{ groups: Group[] }>('/api/v1/consent/groups')
      .then((r) => setGroups(r.groups))
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  const remove = async (g: Group) => {
    if (!window.confirm(t('channels.confirmDeleteGroup', { id: g.id }))) return;
    setError(undefined);
    try {
      await api.del(`/api/v1/consent/groups/${encodeURIComponent(g.id)}`);
      load();
    } catch (e) {
      setError(e);
    }
  };
  const name = (g: Group) =>
    g.labels[locale]?.name ?? g.labels.en?.name ?? g.labels.fa?.name ?? g.labels.ar?.name ?? g.id;
  return (
    <Card
      title={t('channels.groups')}
      id="ch-groups"
      actions={
        <Button
          variant="primary"
          disabledReason={w.reason}
          onClick={() => setEditing('new')}
          data-testid="ch-group-new"
        >
          {t('channels.newGroup')}
        </Button>
      }
    >
      <p className="muted">{t('channels.groupsIntro')}</p>
      <ErrorBanner error={error} />
      {!groups ? (
        error ? null : (
          <Spinner />
        )
      ) : (
        <Table
          caption={t('channels.groups')}
          rows={groups}
          rowKey={(g) => g.id}
          empty={<EmptyState title={t('channels.noGroups')}>{t('channels.noGroupsText')}</EmptyState>}
          columns={[
            {
              key: 'name',
              header: t('channels.groupName'),
              sortValue: name,
              render: (g) => <span data-testid="ch-group-row">{name(g)}</span>,
            },
            {
              key: 'id',
              header: t('channels.groupId'),
              sortValue: (g) => g.id,
              render: (g) => <code dir="ltr">{g.id}</code>,
            },
            {
              key: 'channel',
              header: t('channels.channel'),
              sortValue: (g) => g.channel,
              render: (g) => t(`channels.${g.channel}`),
            },
            {
              key: 'mode',
              header: t('channels.mode'),
              render: (g) => (
                <Badge tone={g.mode === 'opt_in' ? 'info' : 'neutral'}>
                  {g.mode === 'opt_in' ? t('channels.optIn') : t('channels.optOut')}
                </Badge>
              ),
            },
            {
              key: 'created',
              header: t('channels.created'),
              sortValue: (g) => g.createdAt,
              render: (g) => date(g.createdAt),
            },
            {
              key: 'actions',
              header: t('channels.actions'),
              render: (g) => (
                <span className="row">
                  <Button disabledReason={w.reason} onClick={() => setEditing(g)}>
                    {t('channels.edit')}
                  </Button>
                  <Button variant="danger" disabledReason={w.reason} onClick={() => remove(g)}>
                    {t('common.delete')}
                  </Button>
                </span>
              ),
            },
          ]}
        />
      )}
      {editing !== undefined && (
        <GroupDialog
          group={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            load();
          }}
        />
      )}
    </Card>
  );
}

function GroupDialog({
  group,
  onClose,
  onSaved,
}: {
  group: Group | undefined;
  onClose(): void;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const [id, setId] = useState(group?.id ?? '');
  const [channel, setChannel] = useState<Channel>(group?.channel ?? 'email');
  const [mode, setMode] = useState<'opt_in' | 'opt_out'>(group?.mode ?? 'opt_out');
  const [labels, setLabels] = useState(
    () =>
      Object.fromEntries(
        LOCALES.map((l) => [
          l,
          { name: group?.labels[l]?.name ?? '', description: group?.labels[l]?.description ?? '' },
        ]),
      ) as Record<Locale, { name: string; description: string }>,
  );
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const localeLabel = (l: Locale) =>
    l === 'fa' ? t('channels.localeFa') : l === 'ar' ? t('channels.localeAr') : t('channels.localeEn');
  const save = async () => {
    setBusy(true);
    setError(undefined);
    const out: Record<string, { name: string; description?: string }> = {};
    for (const l of LOCALES)
      if (labels[l].name.trim())
        out[l] = {
          name: labels[l].name.trim(),
          ...(labels[l].description.trim() ? { description: labels[l].description.trim() } : {}),
        };
    try {
      await api.put(`/api/v1/consent/groups/${encodeURIComponent(id.trim())}`, {
        channel,
        mode,
        labels: out,
      });
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open
      title={group ? t('channels.editGroup', { id: group.id }) : t('channels.newGroup')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            variant="primary"
            busy={busy}
            disabled={!id.trim()}
            onClick={save}
            data-testid="ch-group-save"
          >
            {t('common.save')}
          </Button>
        </>
      }
    >
      <div className="stack">
        <TextField
          label={t('channels.groupId')}
          hint={t('channels.groupIdHint')}
          dir="ltr"
          value={id}
          onChange={setId}
          disabled={!!group}
          error={fieldErr(error, 'id')}
          data-testid="ch-group-id"
        />
        <div className="row">
          <Select
            label={t('channels.channel')}
            value={channel}
            onChange={(v) => setChannel(v as Channel)}
            disabled={!!group}
            error={fieldErr(error, 'channel')}
            options={CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))}
            data-testid="ch-group-channel"
          />
          <Select
            label={t('channels.mode')}
            value={mode}
            onChange={(v) => setMode(v === 'opt_in' ? 'opt_in' : 'opt_out')}
            hint={mode === 'opt_in' ? t('channels.optInHint') : t('channels.optOutHint')}
            options={[
              { value: 'opt_out', label: t('channels.optOut') },
              { value: 'opt_in', label: t('channels.optIn') },
            ]}
            data-testid="ch-group-mode"
          />
        </div>
        {LOCALES.map((l) => (
          <fieldset key={l} className="plain locale-fieldset" lang={l} dir={l === 'en' ? 'ltr' : 'rtl'}>
            <legend>{localeLabel(l)}</legend>
            <div className="grid">
              <TextField
                label={t('channels.groupName')}
                value={labels[l].name}
                onChange={(v) => setLabels((x) => ({ ...x, [l]: { ...x[l], name: v } }))}
                error={fieldErr(error, 'labels', `labels.${l}.name`)}
                data-testid={`ch-group-name-${l}`}
              />
              <TextField
                label={t('channels.groupDescription')}
                value={labels[l].description}
                onChange={(v) => setLabels((x) => ({ ...x, [l]: { ...x[l], description: v } }))}
              />
            </div>
          </fieldset>
        ))}
        {error !== undefined && !(error instanceof ApiError && error.field) && <ErrorBanner error={error} />}
      </div>
    </Dialog>
  );
}

interface Delivery {
  id: string;
  profileId: string;
  channel: string;
  category: string;
  template: string | null;
  status: string;
  reason: string | null;
  createdAt: string;
  openedAt: string | null;
  clickedAt: string | null;
}

const STATUSES = ['sent', 'suppressed', 'failed', 'delivered', 'bounced', 'complained'];

function Deliveries() {
  const { t, date } = useI18n();
  const [pages, setPages] = useState<string[]>([]);
  const before = pages[pages.length - 1];
  const [rows, setRows] = useState<Delivery[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [templates, setTemplates] = useState<Record<string, string>>({});
  useEffect(() => {
    api
      .get<{ templates: { id: string; name: string }[] }>('/api/v1/templates')
      .then((r) => setTemplates(Object.fromEntries(r.templates.map((x) => [x.id, x.name]))))
      .catch(() => setTemplates({}));
  }, []);
  useEffect(() => {
    setRows(undefined);
    setError(undefined);
    api
      .get<{ deliveries: Delivery[]; next: string | null }>('/api/v1/deliveries', { limit: 25, before })
      .then((r) => {
        setRows(r.deliveries);
        setNext(r.next);
      })
      .catch(setError);
  }, [before]);
  const tone = (s: string) =>
    s === 'sent' || s === 'delivered'
      ? 'good'
      : s === 'failed' || s === 'bounced' || s === 'complained'
        ? 'bad'
        : s === 'suppressed'
          ? 'warn'
          : 'neutral';
  const statusLabel = (s: string) => (STATUSES.includes(s) ? t(`channels.status.${s}`) : s);
  const stamp = (ms: string | null) => (ms ? date(Date.parse(ms)) : '—');
  return (
    <Card title={t('channels.deliveries')} id="ch-deliveries">
      <ErrorBanner error={error} />
      {!rows ? (
        error ? null : (
          <Spinner />
        )
      ) : (
        <Table
          caption={t('channels.deliveries')}
          rows={rows}
          rowKey={(d) => d.id}
          empty={<EmptyState title={t('channels.noDeliveries')}>{t('channels.noDeliveriesText')}</EmptyState>}
          columns={[
            {
              key: 'at',
              header: t('channels.at'),
              sortValue: (d) => Date.parse(d.createdAt),
              render: (d) => date(Date.parse(d.createdAt)),
            },
            {
              key: 'profile',
              header: t('channels.profile'),
              render: (d) => (
                <Link to={`/customers/${encodeURIComponent(d.profileId)}`}>
                  <code dir="ltr">{d.profileId}</code>
                </Link>
              ),
            },
            {
              key: 'channel',
              header: t('channels.channel'),
              sortValue: (d) => d.channel,
              render: (d) => t(`channels.${d.channel}`),
            },
            {
              key: 'template',
              header: t('channels.template'),
              render: (d) => (d.template ? (templates[d.template] ?? d.template) : '—'),
            },
            {
              key: 'status',
              header: t('channels.status'),
              sortValue: (d) => d.status,
              render: (d) => <Badge tone={tone(d.status)}>{statusLabel(d.status)}</Badge>,
            },
            {
              key: 'reason',
              header: t('channels.reason'),
              render: (d) => (d.reason ? <code dir="ltr">{d.reason}</code> : '—'),
            },
            { key: 'opened', header: t('channels.opened'), render: (d) => stamp(d.openedAt) },
            { key: 'clicked', header: t('channels.clicked'), render: (d) => stamp(d.clickedAt) },
          ]}
        />
      )}
      <div className="row form-actions">
        <Button disabled={pages.length === 0} onClick={() => setPages((p) => p.slice(0, -1))}>
          {t('channels.newer')}
        </Button>
        <Button
          disabled={!next}
          onClick={() => next && setPages((p) => [...p, next])}
          data-testid="ch-deliveries-older"
        >
          {t('channels.older')}
        </Button>
      </div>
    </Card>
  );
}
