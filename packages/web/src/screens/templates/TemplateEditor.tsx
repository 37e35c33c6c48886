// The template editor: per language (fa / ar / en) and per channel (email / SMS / push) the fields of each
// form, the content blocks to insert at the cursor, the live preview for a chosen profile (debounced
// POST /api/v1/templates/preview with the unsaved draft), the SMS length, save with the server's errors at
// their field, and a test send.
import { useCallback, useEffect, useRef, useState, type FocusEvent, type ReactNode } from 'react';
import { api, ApiError } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Link, useRoute } from '../../router';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Dialog } from '../../ui/Dialog';
import { Icon } from '../../ui/Icon';
import { Select, TextArea, TextField } from '../../ui/Field';
import { EmptyState, ErrorBanner, Spinner } from '../../ui/States';
import { Tabs } from '../../ui/Tabs';
import { BlockDialog, localeName } from './Blocks';
import {
  CHANNELS,
  LOCALES,
  bodyOf,
  cleanVariants,
  draftOf,
  emptyForm,
  includeTag,
  insertAt,
  type Channel,
  type ContentBlock,
  type Draft,
  type Locale,
  type PreviewResult,
  type SmsLength,
  type SubscriptionGroup,
  type Template,
  type TemplateError,
} from './model';
import './templates.css';

interface ProfileHit {
  id: string;
  identities: { type: string; value: string }[];
  traits: Record<string, unknown>;
}

const profileLabel = (p: ProfileHit) => {
  const tr = p.traits;
  const name =
    (typeof tr.name === 'string' && tr.name) ||
    [tr.firstName, tr.first_name, tr.lastName, tr.last_name]
      .filter((x) => typeof x === 'string' && x)
      .join(' ');
  const email = p.identities.find((i) => i.type === 'email')?.value;
  return [name, email ?? p.identities[0]?.value ?? p.id].filter(Boolean).join(' — ');
};

/** Calls `fn` `ms` after the last change of `deps`. */
function useDebounced(fn: () => void, deps: unknown[], ms: number) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const h = setTimeout(() => ref.current(), ms);
    return () => clearTimeout(h);
  }, deps);
}

export default function TemplateEditor() {
  const { locale: uiLocale } = useI18n();
  const { params, path } = useRoute();
  const id = path === '/templates/new' || !params.id || params.id === 'new' ? undefined : params.id;
  const [template, setTemplate] = useState<Template | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    setLoaded(false);
    setLoadError(undefined);
    if (!id) {
      setTemplate(undefined);
      setLoaded(true);
      return;
    }
    api
      .get<Template>(`/api/v1/templates/${encodeURIComponent(id)}`)
      .then((x) => {
        setTemplate(x);
        setLoaded(true);
      })
      .catch(setLoadError);
  }, [id]);

  if (loadError) return <ErrorBanner error={loadError} />;
  if (!loaded) return <Spinner />;
  // Keyed so a freshly created template (new → id) keeps the draft but reloading another resets it.
  return <Editor key={template?.id ?? 'new'} template={template} initialLocale={uiLocale} />;
}

function Editor({ template, initialLocale }: { template: Template | undefined; initialLocale: Locale }) {
  const { t, num, date } = useI18n();
  const { can } = useAuth();
  const canWrite = can('templates:write');
  const noWrite = canWrite ? undefined : t('common.noPermissionAction', { permission: 'templates:write' });

  const [draft, setDraft] = useState<Draft>(() => {
    const d = draftOf(template);
    if (!template) d.variants = { [initialLocale]: { email: emptyForm('email') } };
    return d;
  });
  const [savedId, setSavedId] = useState<string | undefined>(template?.id);
  const [version, setVersion] = useState(template?.version);
  const [updatedAt, setUpdatedAt] = useState(template?.updatedAt);
  const present = LOCALES.filter((l) => draft.variants[l]);
  const [editLocale, setEditLocale] = useState<Locale>(() =>
    draft.variants[initialLocale] ? initialLocale : (present[0] ?? initialLocale),
  );
  const [channel, setChannel] = useState<Channel>(() => {
    const v = draft.variants[editLocale];
    return CHANNELS.find((c) => v?.[c]) ?? 'email';
  });
  const [groups, setGroups] = useState<SubscriptionGroup[]>([]);
  const [blocks, setBlocks] = useState<ContentBlock[]>();
  const [blocksError, setBlocksError] = useState<unknown>();
  const [saveError, setSaveError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [newBlock, setNewBlock] = useState(false);
  const [testOpen, setTestOpen] = useState(false);
  const [addLocale, setAddLocale] = useState<Locale | ''>('');
  const [profileId, setProfileId] = useState('');
  const lastField = useRef<{
    locale: Locale;
    channel: Channel;
    key: string;
    el: HTMLInputElement | HTMLTextAreaElement;
  } | null>(null);

  const loadBlocks = useCallback(() => {
    api
      .get<{ blocks: ContentBlock[] }>('/api/v1/content-blocks')
      .then((b) => setBlocks(b.blocks))
      .catch(setBlocksError);
  }, []);
  useEffect(() => {
    loadBlocks();
    api
      .get<{ groups: SubscriptionGroup[] }>('/api/v1/consent/groups')
      .then((g) => setGroups(g.groups))
      .catch(() => setGroups([]));
  }, [loadBlocks]);

  const form = draft.variants[editLocale]?.[channel] as Record<string, string> | undefined;

  const setField = (l: Locale, ch: Channel, key: string, value: string) => {
    setSaved(false);
    setDraft((d) => {
      const v = { ...(d.variants[l] ?? {}) };
      v[ch] = { ...((v[ch] as object | undefined) ?? emptyForm(ch)), [key]: value } as never;
      return { ...d, variants: { ...d.variants, [l]: v } };
    });
  };
  const setMeta = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  };

  // ---- server errors at their field
  const errField = saveError instanceof ApiError ? saveError.field : undefined;
  const fieldError = (f: string) =>
    errField === f && saveError instanceof ApiError ? saveError.message : undefined;
  // The server names `variants.<locale>.<channel>.<field>` for shape errors, and `variants.<channel>.<field>`
  // for a Liquid error (checked in every locale): the latter is shown at the field of the language in view.
  const variantError = (key: string) =>
    fieldError(`variants.${editLocale}.${channel}.${key}`) ?? fieldError(`variants.${channel}.${key}`);

  const draftLocales = (l: string) => !!draft.variants[l as Locale];
  const save = async () => {
    setSaveError(undefined);
    setSaved(false);
    if (!draft.name.trim()) {
      setSaveError(new ApiError(400, 'invalid_field', t('templates.nameRequired'), 'name'));
      return;
    }
    setSaving(true);
    try {
      const body = bodyOf(draft);
      const r = savedId
        ? await api.put<Template>(`/api/v1/templates/${encodeURIComponent(savedId)}`, body)
        : await api.post<Template>('/api/v1/templates', body);
      setVersion(r.version);
      setUpdatedAt(r.updatedAt);
      setSaved(true);
      if (!savedId) {
        setSavedId(r.id);
        history.replaceState(null, '', `/templates/${encodeURIComponent(r.id)}`);
      }
    } catch (e) {
      setSaveError(e);
      // Show the form the error names, so the message appears at its field.
      const m =
        e instanceof ApiError && e.field
          ? /^variants\.(?:(fa|ar|en)\.?)?(email|sms|push)?/.exec(e.field)
          : null;
      if (m?.[1] && draftLocales(m[1])) setEditLocale(m[1] as Locale);
      if (m?.[2]) setChannel(m[2] as Channel);
    } finally {
      setSaving(false);
    }
  };

  // ---- languages and channel forms
  const missingLocales = LOCALES.filter((l) => !draft.variants[l]);
  const doAddLocale = () => {
    const l = addLocale || missingLocales[0];
    if (!l) return;
    setMeta({ variants: { ...draft.variants, [l]: { [channel]: emptyForm(channel) } } });
    setEditLocale(l);
    setAddLocale('');
  };
  const removeLocale = () => {
    if (!window.confirm(t('templates.confirmRemoveLocale', { locale: localeName(t, editLocale) }))) return;
    const rest = { ...draft.variants };
    delete rest[editLocale];
    setMeta({
      variants: rest,
      defaultLocale: draft.defaultLocale === editLocale ? '' : draft.defaultLocale,
    });
    const next = LOCALES.find((l) => rest[l]);
    if (next) setEditLocale(next);
  };
  const addChannel = () =>
    setMeta({
      variants: {
        ...draft.variants,
        [editLocale]: { ...(draft.variants[editLocale] ?? {}), [channel]: emptyForm(channel) },
      },
    });
  const removeChannel = () => {
    const v = { ...(draft.variants[editLocale] ?? {}) };
    delete v[channel];
    setMeta({ variants: { ...draft.variants, [editLocale]: v } });
  };

  // ---- content blocks: insert at the cursor of the last focused field (or the channel's main field)
  const track = (key: string) => (e: FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    lastField.current = { locale: editLocale, channel, key, el: e.currentTarget };
  };
  const mainKey: Record<Channel, string> = { email: 'html', sms: 'text', push: 'body' };
  const insertBlock = (name: string) => {
    if (!form) return;
    const lf = lastField.current;
    const useLast = lf && lf.locale === editLocale && lf.channel === channel && lf.el.isConnected;
    const key = useLast ? lf.key : mainKey[channel];
    const value = form[key] ?? '';
    const el = useLast ? lf.el : null;
    const [next, caret] = insertAt(
      value,
      el?.selectionStart ?? value.length,
      el?.selectionEnd ?? value.length,
      includeTag(name),
    );
    setField(editLocale, channel, key, next);
    if (el)
      requestAnimationFrame(() => {
        el.focus();
        el.setSelectionRange(caret, caret);
      });
  };

  // ---- SMS length of the text as written (the preview shows the rendered one)
  const smsText = channel === 'sms' ? (form?.text ?? '') : '';
  const [smsLen, setSmsLen] = useState<SmsLength>();
  useDebounced(
    () => {
      if (channel !== 'sms') return;
      api
        .post<SmsLength>('/api/v1/templates/sms-length', { text: smsText })
        .then(setSmsLen)
        .catch(() => setSmsLen(undefined));
    },
    [smsText, channel],
    150,
  );

  // ---- live preview
  const [preview, setPreview] = useState<PreviewResult>();
  const [previewError, setPreviewError] = useState<unknown>();
  const [previewing, setPreviewing] = useState(false);
  const seq = useRef(0);
  const previewVariants = cleanVariants(draft.variants, channel);
  const previewKey = JSON.stringify([previewVariants, draft.defaultLocale, editLocale, channel, profileId]);
  const hasPreviewable = Object.values(previewVariants).some((v) => v?.[channel]);
  useDebounced(
    () => {
      if (!hasPreviewable) {
        setPreview(undefined);
        setPreviewError(undefined);
        return;
      }
      const n = ++seq.current;
      setPreviewing(true);
      api
        .post<PreviewResult>('/api/v1/templates/preview', {
          template: { ...bodyOf(draft, previewVariants), name: draft.name.trim() || 'preview' },
          locale: editLocale,
          channels: [channel],
          ...(profileId ? { profileId } : {}),
        })
        .then(
          (r) => {
            if (n !== seq.current) return;
            setPreview(r);
            setPreviewError(undefined);
          },
          (e: unknown) => {
            if (n !== seq.current) return;
            setPreview(undefined);
            setPreviewError(e);
          },
        )
        .finally(() => n === seq.current && setPreviewing(false));
    },
    [previewKey],
    400,
  );

  const channelLabel = (c: Channel) => t(`templates.channel.${c}`);
  const dirOf = (l: Locale) => (l === 'en' ? 'ltr' : 'rtl');
  const fieldProps = (key: string) => ({
    value: form?.[key] ?? '',
    onChange: (v: string) => setField(editLocale, channel, key, v),
    onFocus: track(key),
    error: variantError(key),
    lang: editLocale,
    'data-testid': `tpl-${channel}-${key}`,
  });

  let fields: ReactNode = null;
  if (form && channel === 'email')
    fields = (
      <>
        <TextField label={t('templates.subject')} dir={dirOf(editLocale)} {...fieldProps('subject')} />
        <TextField
          label={t('templates.preheader')}
          hint={t('templates.preheaderHint')}
          dir={dirOf(editLocale)}
          {...fieldProps('preheader')}
        />
        <TextArea
          label={t('templates.html')}
          hint={t('templates.htmlHint')}
          dir={dirOf(editLocale)}
          rows={12}
          className="code-area"
          {...fieldProps('html')}
        />
        <TextArea
          label={t('templates.text')}
          hint={t('templates.textHint')}
          dir={dirOf(editLocale)}
          rows={4}
          {...fieldProps('text')}
        />
      </>
    );
  else if (form && channel === 'sms')
    fields = (
      <>
        <TextArea label={t('templates.smsText')} dir={dirOf(editLocale)} rows={5} {...fieldProps('text')} />
        <p
          className="sms-length"
          aria-live="polite"
          data-testid="sms-length"
          data-segments={smsLen?.segments}
          data-encoding={smsLen?.encoding}
        >
          {smsLen
            ? t('templates.smsLength', {
                characters: smsLen.characters,
                encoding: smsLen.encoding,
                segments: smsLen.segments,
                perSegment:
                  smsLen.segments > 1 ? (smsLen.encoding === 'GSM-7' ? 153 : 67) : smsLen.perSegment,
                remaining: smsLen.remaining,
              })
            : '…'}
        </p>
      </>
    );
  else if (form && channel === 'push')
    fields = (
      <>
        <TextField label={t('templates.pushTitle')} dir={dirOf(editLocale)} {...fieldProps('title')} />
        <TextArea label={t('templates.pushBody')} dir={dirOf(editLocale)} rows={3} {...fieldProps('body')} />
        <TextField label={t('templates.pushUrl')} dir="ltr" inputMode="url" {...fieldProps('url')} />
      </>
    );

  const saveProblems =
    saveError instanceof ApiError && saveError.code === 'template_error'
      ? saveError.message.split('; ')
      : undefined;

  return (
    <div className="tpl-editor">
      <p>
        <Link to="/templates" className="back-link">
          <Icon name="back" /> {t('templates.backToList')}
        </Link>
      </p>
      <div className="spread">
        <h1>{savedId ? draft.name || t('templates.untitled') : t('templates.new')}</h1>
        <div className="row">
          {version !== undefined && (
            <span className="muted">
              {t('templates.versionInfo', { version })}
              {updatedAt && ` · ${date(Date.parse(updatedAt))}`}
            </span>
          )}
          <Button
            disabledReason={noWrite ?? (savedId ? undefined : t('templates.saveFirst'))}
            onClick={() => setTestOpen(true)}
            data-testid="tpl-test-send"
          >
            {t('templates.testSend')}
          </Button>
          <Button
            variant="primary"
            busy={saving}
            disabledReason={noWrite}
            onClick={save}
            data-testid="tpl-save"
          >
            {t('common.save')}
          </Button>
        </div>
      </div>
      <div aria-live="polite">
        {saved && (
          <p className="notice" data-testid="tpl-saved">
            {t('templates.saved')}
          </p>
        )}
      </div>
      {saveError !== undefined && (
        <div data-testid="tpl-save-errors">
          <ErrorBanner error={saveError} />
          {saveProblems && saveProblems.length > 1 && (
            <ul className="error-list">
              {saveProblems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      <fieldset className="plain" disabled={!canWrite}>
        <legend className="visually-hidden">{t('templates.settings')}</legend>
        <Card title={t('templates.settings')} id="tpl-settings">
          <div className="grid">
            <TextField
              label={t('templates.name')}
              value={draft.name}
              onChange={(v) => setMeta({ name: v })}
              dir="auto"
              error={fieldError('name')}
              data-testid="tpl-name"
            />
            <TextField
              label={t('templates.description')}
              value={draft.description}
              onChange={(v) => setMeta({ description: v })}
              dir="auto"
              error={fieldError('description')}
            />
            <Select
              label={t('templates.category')}
              value={draft.category}
              onChange={(v) => setMeta({ category: v === 'transactional' ? 'transactional' : 'marketing' })}
              hint={
                draft.category === 'transactional'
                  ? t('templates.transactionalHint')
                  : t('templates.marketingHint')
              }
              options={[
                { value: 'marketing', label: t('templates.marketing') },
                { value: 'transactional', label: t('templates.transactional') },
              ]}
              data-testid="tpl-category"
            />
            <Select
              label={t('templates.group')}
              value={draft.group}
              onChange={(v) => setMeta({ group: v })}
              error={fieldError('group')}
              options={[
                { value: '', label: t('templates.noGroup') },
                ...groups.map((g) => ({
                  value: g.id,
                  label: `${g.labels[initialLocale]?.name ?? g.labels.en?.name ?? g.id} (${channelLabel(g.channel)})`,
                })),
              ]}
              data-testid="tpl-group"
            />
            <Select
              label={t('templates.defaultLocale')}
              hint={t('templates.defaultLocaleHint')}
              value={draft.defaultLocale}
              onChange={(v) => setMeta({ defaultLocale: v === 'fa' || v === 'ar' || v === 'en' ? v : '' })}
              error={fieldError('defaultLocale')}
              options={[
                { value: '', label: t('templates.defaultLocaleNone') },
                ...LOCALES.map((l) => ({ value: l, label: localeName(t, l) })),
              ]}
            />
          </div>
        </Card>
      </fieldset>

      <div className="tpl-layout">
        <Card title={t('templates.content')} id="tpl-content" className="tpl-main">
          <div className="spread tpl-locales">
            <div className="chips" role="group" aria-label={t('templates.languages')}>
              {present.map((l) => (
                <button
                  key={l}
                  type="button"
                  className="chip"
                  aria-pressed={l === editLocale}
                  onClick={() => setEditLocale(l)}
                  data-testid={`tpl-locale-${l}`}
                >
                  {localeName(t, l)}
                  {draft.defaultLocale === l && <span className="muted"> ★</span>}
                </button>
              ))}
            </div>
            <fieldset className="plain row" disabled={!canWrite}>
              <legend className="visually-hidden">{t('templates.languages')}</legend>
              {missingLocales.length > 0 && (
                <>
                  <Select
                    label={t('templates.addLocale')}
                    hideLabel
                    value={addLocale || missingLocales[0]!}
                    onChange={(v) => setAddLocale(v as Locale)}
                    options={missingLocales.map((l) => ({ value: l, label: localeName(t, l) }))}
                    data-testid="tpl-add-locale-select"
                  />
                  <Button onClick={doAddLocale} data-testid="tpl-add-locale">
                    {t('templates.addLocale')}
                  </Button>
                </>
              )}
              {draft.variants[editLocale] && (
                <Button variant="danger" onClick={removeLocale} data-testid="tpl-remove-locale">
                  {t('templates.removeLocale', { locale: localeName(t, editLocale) })}
                </Button>
              )}
            </fieldset>
          </div>
          {present.length === 0 ? (
            <EmptyState title={t('templates.noLocales')}>{t('templates.noLocalesText')}</EmptyState>
          ) : (
            <Tabs
              label={t('templates.channels')}
              active={channel}
              onChange={(c) => setChannel(c as Channel)}
              tabs={CHANNELS.map((c) => ({
                id: c,
                label: draft.variants[editLocale]?.[c]
                  ? channelLabel(c)
                  : `${channelLabel(c)} (${t('templates.absent')})`,
              }))}
            >
              <fieldset className="plain stack" disabled={!canWrite} lang={editLocale}>
                <legend className="visually-hidden">
                  {t('templates.formOf', {
                    channel: channelLabel(channel),
                    locale: localeName(t, editLocale),
                  })}
                </legend>
                {form ? (
                  <>
                    {fields}
                    <div className="row">
                      <Button variant="ghost" onClick={removeChannel} data-testid="tpl-remove-channel">
                        {t('templates.removeChannel', {
                          channel: channelLabel(channel),
                          locale: localeName(t, editLocale),
                        })}
                      </Button>
                    </div>
                  </>
                ) : (
                  <EmptyState
                    title={t('templates.noForm', {
                      channel: channelLabel(channel),
                      locale: localeName(t, editLocale),
                    })}
                    action={
                      <Button variant="primary" onClick={addChannel} data-testid="tpl-add-channel">
                        {t('templates.addChannel', { channel: channelLabel(channel) })}
                      </Button>
                    }
                  />
                )}
              </fieldset>
            </Tabs>
          )}
        </Card>

        <Card
          title={t('templates.blocks')}
          id="tpl-blocks"
          className="tpl-side"
          actions={
            <Button disabledReason={noWrite} onClick={() => setNewBlock(true)} data-testid="tpl-new-block">
              {t('templates.newBlock')}
            </Button>
          }
        >
          <ErrorBanner error={blocksError} />
          {!blocks ? (
            blocksError ? null : (
              <Spinner />
            )
          ) : blocks.length === 0 ? (
            <p className="muted">{t('templates.noBlocksText')}</p>
          ) : (
            <ul className="block-list" data-testid="tpl-block-list">
              {blocks.map((b) => (
                <li key={b.name}>
                  <div>
                    <code dir="ltr">{b.name}</code>
                    {b.description && <div className="muted">{b.description}</div>}
                  </div>
                  <Button
                    disabledReason={noWrite ?? (form ? undefined : t('templates.insertNeedsForm'))}
                    onClick={() => insertBlock(b.name)}
                    aria-label={t('templates.insertBlock', { name: b.name })}
                    data-testid={`tpl-insert-${b.name}`}
                  >
                    {t('templates.insert')}
                  </Button>
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link to="/templates?tab=blocks">{t('templates.manageBlocks')}</Link>
          </p>
        </Card>

        <Card title={t('templates.preview')} id="tpl-preview" className="tpl-preview">
          <PreviewPanel
            profileId={profileId}
            onProfile={setProfileId}
            channel={channel}
            locale={editLocale}
            preview={hasPreviewable ? preview : undefined}
            error={hasPreviewable ? previewError : undefined}
            busy={previewing}
            empty={!hasPreviewable}
          />
        </Card>
      </div>

      {newBlock && (
        <BlockDialog
          open
          block={undefined}
          onClose={() => setNewBlock(false)}
          onSaved={() => {
            setNewBlock(false);
            loadBlocks();
          }}
        />
      )}
      {testOpen && savedId && (
        <TestSendDialog
          templateId={savedId}
          locale={editLocale}
          profileId={profileId}
          onClose={() => setTestOpen(false)}
        />
      )}
      <p className="muted">{t('templates.smsNote', { gsm: num(160), ucs: num(70) })}</p>
    </div>
  );
}

function ProfilePicker({ value, onChange }: { value: string; onChange(id: string): void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<ProfileHit[]>([]);
  const [error, setError] = useState<unknown>();
  const [chosen, setChosen] = useState<ProfileHit | undefined>();
  useDebounced(
    () => {
      if (!q.trim() || !can('profiles:read')) {
        setHits([]);
        return;
      }
      api
        .get<{ profiles: ProfileHit[] }>('/api/v1/profiles', { q: q.trim(), limit: 10 })
        .then((r) => {
          setHits(r.profiles);
          setError(undefined);
        })
        .catch(setError);
    },
    [q],
    300,
  );
  const options = [
    { value: '', label: t('templates.sampleData') },
    ...(chosen && !hits.some((h) => h.id === chosen.id) ? [chosen] : []).map((p) => ({
      value: p.id,
      label: profileLabel(p),
    })),
    ...hits.map((p) => ({ value: p.id, label: profileLabel(p) })),
  ];
  return (
    <div className="grid profile-picker">
      <TextField
        label={t('templates.findProfile')}
        hint={
          can('profiles:read')
            ? t('templates.findProfileHint')
            : t('common.noPermissionAction', { permission: 'profiles:read' })
        }
        type="search"
        dir="auto"
        value={q}
        onChange={setQ}
        disabled={!can('profiles:read')}
        data-testid="tpl-profile-search"
      />
      <Select
        label={t('templates.previewFor')}
        value={value}
        onChange={(id) => {
          setChosen(hits.find((h) => h.id === id));
          onChange(id);
        }}
        options={options}
        data-testid="tpl-profile-select"
      />
      {error !== undefined && <ErrorBanner error={error} />}
    </div>
  );
}

function PreviewPanel({
  profileId,
  onProfile,
  channel,
  locale,
  preview,
  error,
  busy,
  empty,
}: {
  profileId: string;
  onProfile(id: string): void;
  channel: Channel;
  locale: Locale;
  preview: PreviewResult | undefined;
  error: unknown;
  busy: boolean;
  empty: boolean;
}) {
  const { t, num } = useI18n();
  const chosen = preview?.[channel]?.locale;
  return (
    <div className="stack" data-testid="tpl-preview" aria-busy={busy || undefined}>
      <ProfilePicker value={profileId} onChange={onProfile} />
      <p className="muted">
        {t('templates.previewOf', {
          channel: t(`templates.channel.${channel}`),
          locale: localeName(t, locale),
        })}
        {busy && ` · ${t('templates.rendering')}`}
      </p>
      {empty && <p className="muted">{t('templates.previewEmpty')}</p>}
      {chosen?.fallback && (
        <p className="notice-warn" role="status">
          {t('templates.previewFallback', { locale: chosen.locale })}
        </p>
      )}
      {error !== undefined && <ErrorBanner error={error} />}
      {channel === 'email' && preview?.email && (
        <div className="email-preview" data-testid="preview-email" data-dir={preview.email.dir}>
          <dl className="kv">
            <dt>{t('templates.subject')}</dt>
            <dd dir={preview.email.dir} data-testid="preview-subject">
              {preview.email.subject}
            </dd>
          </dl>
          <iframe
            title={t('templates.emailPreview')}
            sandbox=""
            srcDoc={preview.email.html}
            className="email-frame"
            data-testid="preview-email-frame"
          />
        </div>
      )}
      {channel === 'sms' && preview?.sms && (
        <div className="sms-preview" data-testid="preview-sms">
          <p className="sms-bubble" dir="auto">
            {preview.sms.text}
          </p>
          <p className="muted">
            {t('templates.smsLength', {
              characters: preview.sms.length.characters,
              encoding: preview.sms.length.encoding,
              segments: preview.sms.length.segments,
              perSegment:
                preview.sms.length.segments > 1
                  ? preview.sms.length.encoding === 'GSM-7'
                    ? 153
                    : 67
                  : preview.sms.length.perSegment,
              remaining: preview.sms.length.remaining,
            })}
          </p>
        </div>
      )}
      {channel === 'push' && preview?.push && (
        <div className="push-preview" data-testid="preview-push" dir="auto">
          <strong>{preview.push.title}</strong>
          <p>{preview.push.body}</p>
          {preview.push.url && (
            <code dir="ltr" className="mono">
              {preview.push.url}
            </code>
          )}
        </div>
      )}
      {preview && preview.errors.length > 0 && (
        <div data-testid="preview-errors">
          <h3>{t('templates.problems', { count: preview.errors.length })}</h3>
          <ul className="error-list">
            {preview.errors.map((e, i) => (
              <ErrorItem key={i} e={e} num={num} />
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function ErrorItem({ e, num }: { e: TemplateError; num(n: number): string }) {
  const { t } = useI18n();
  return (
    <li>
      <Badge tone={e.code === 'missing_variable' ? 'warn' : 'bad'}>
        {e.code === 'missing_variable' ? t('templates.missingVariable') : t('templates.syntaxError')}
      </Badge>{' '}
      <code dir="ltr">{e.field}</code>
      {e.line !== undefined && <> · {t('templates.line', { line: num(e.line) })}</>}
      {e.block && <> · {t('templates.inBlock', { name: e.block })}</>}
      <div dir="ltr" className="error-message">
        {e.message}
      </div>
    </li>
  );
}

function TestSendDialog({
  templateId,
  locale,
  profileId,
  onClose,
}: {
  templateId: string;
  locale: Locale;
  profileId: string;
  onClose(): void;
}) {
  const { t } = useI18n();
  const [channel, setChannel] = useState<'email' | 'sms'>('email');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ sent: boolean; providerMessageId: string | null }>();
  const [error, setError] = useState<unknown>();
  const send = async () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(
        await api.post<{ sent: boolean; providerMessageId: string | null }>(
          `/api/v1/templates/${encodeURIComponent(templateId)}/test-send`,
          { channel, to: to.trim(), locale, ...(profileId ? { profileId } : {}) },
        ),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open
      title={t('templates.testSend')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button
            variant="primary"
            busy={busy}
            disabled={to.trim().length < 3}
            onClick={send}
            data-testid="test-send-go"
          >
            {t('templates.send')}
          </Button>
        </>
      }
    >
      <div className="stack">
        <p className="muted">{t('templates.testSendIntro', { locale: localeName(t, locale) })}</p>
        <Select
          label={t('templates.testChannel')}
          value={channel}
          onChange={(v) => setChannel(v === 'sms' ? 'sms' : 'email')}
          options={[
            { value: 'email', label: t('templates.channel.email') },
            { value: 'sms', label: t('templates.channel.sms') },
          ]}
        />
        <TextField
          label={channel === 'email' ? t('templates.testEmail') : t('templates.testPhone')}
          value={to}
          onChange={setTo}
          dir="ltr"
          type={channel === 'email' ? 'email' : 'tel'}
          error={error instanceof ApiError && error.field === 'to' ? error.message : undefined}
          data-testid="test-send-to"
        />
        <div aria-live="polite" data-testid="test-send-result">
          {result && (
            <p className="notice">
              {t('templates.testSent')}
              {result.providerMessageId && (
                <>
                  {' '}
                  <code dir="ltr">{result.providerMessageId}</code>
                </>
              )}
            </p>
          )}
          {error !== undefined && <ErrorBanner error={error} />}
        </div>
      </div>
    </Dialog>
  );
}
