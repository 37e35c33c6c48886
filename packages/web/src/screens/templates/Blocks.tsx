// Content blocks: pieces of Liquid shared by every template (`{% include "shipping-terms" %}`), one text
// per locale. The manager lists, creates, edits and deletes them; the dialog is reused by the editor.
import { useState } from 'react';
import { api, ApiError } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Dialog } from '../../ui/Dialog';
import { TextArea, TextField } from '../../ui/Field';
import { EmptyState, ErrorBanner } from '../../ui/States';
import { Table } from '../../ui/Table';
import { LOCALES, includeTag, type ContentBlock, type Locale } from './model';

/** The language's name in the console's language. */
export function localeName(t: (k: string) => string, l: Locale): string {
  return l === 'fa'
    ? t('templates.localeFa')
    : l === 'ar'
      ? t('templates.localeAr')
      : t('templates.localeEn');
}

/** Creates (block undefined) or edits a content block. */
export function BlockDialog({
  open,
  block,
  onClose,
  onSaved,
}: {
  open: boolean;
  block: ContentBlock | undefined;
  onClose(): void;
  onSaved(b: ContentBlock): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(block?.name ?? '');
  const [description, setDescription] = useState(block?.description ?? '');
  const [texts, setTexts] = useState<Partial<Record<Locale, string>>>(block?.variants ?? {});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const fieldError = (f: string) =>
    error instanceof ApiError && error.field === f ? error.message : undefined;

  const save = async () => {
    setBusy(true);
    setError(undefined);
    const variants: Record<string, string> = {};
    for (const l of LOCALES) if (texts[l]?.trim()) variants[l] = texts[l]!;
    try {
      const b = await api.put<ContentBlock>(`/api/v1/content-blocks/${encodeURIComponent(name.trim())}`, {
        description: description.trim() || null,
        variants,
      });
      onSaved(b);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      title={block ? t('templates.editBlock', { name: block.name }) : t('templates.newBlock')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            variant="primary"
            busy={busy}
            disabled={!name.trim()}
            onClick={save}
            data-testid="block-save"
          >
            {t('common.save')}
          </Button>
        </>
      }
    >
      <div className="stack">
        <TextField
          label={t('templates.blockName')}
          hint={t('templates.blockNameHint')}
          value={name}
          onChange={setName}
          disabled={!!block}
          dir="ltr"
          error={fieldError('name')}
          data-testid="block-name"
        />
        <TextField
          label={t('templates.description')}
          value={description}
          onChange={setDescription}
          dir="auto"
        />
        {LOCALES.map((l) => (
          <TextArea
            key={l}
            label={t('templates.blockText', { locale: localeName(t, l) })}
            value={texts[l] ?? ''}
            onChange={(v) => setTexts((x) => ({ ...x, [l]: v }))}
            dir={l === 'en' ? 'ltr' : 'rtl'}
            lang={l}
            rows={3}
            error={fieldError(`variants.${l}`)}
            data-testid={`block-text-${l}`}
          />
        ))}
        {error !== undefined && !(error instanceof ApiError && error.field) && <ErrorBanner error={error} />}
      </div>
    </Dialog>
  );
}

/** The list of blocks with create / edit / delete. */
export function BlocksManager({ blocks, onChange }: { blocks: ContentBlock[]; onChange(): void }) {
  const { t, date } = useI18n();
  const { can } = useAuth();
  const noWrite = can('templates:write')
    ? undefined
    : t('common.noPermissionAction', { permission: 'templates:write' });
  const [editing, setEditing] = useState<ContentBlock | 'new' | undefined>();
  const [error, setError] = useState<unknown>();

  const remove = async (b: ContentBlock) => {
    if (!window.confirm(t('templates.confirmDeleteBlock', { name: b.name }))) return;
    setError(undefined);
    try {
      await api.del(`/api/v1/content-blocks/${encodeURIComponent(b.name)}`);
      onChange();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Card
      title={t('templates.blocks')}
      id="blocks-manager"
      actions={
        <Button
          variant="primary"
          disabledReason={noWrite}
          onClick={() => setEditing('new')}
          data-testid="block-new"
        >
          {t('templates.newBlock')}
        </Button>
      }
    >
      <ErrorBanner error={error} />
      <p className="muted">{t('templates.blocksIntro')}</p>
      <Table
        caption={t('templates.blocks')}
        rows={blocks}
        rowKey={(b) => b.name}
        empty={<EmptyState title={t('templates.noBlocks')}>{t('templates.noBlocksText')}</EmptyState>}
        columns={[
          {
            key: 'name',
            header: t('templates.blockName'),
            sortValue: (b) => b.name,
            render: (b) => (
              <span>
                <code dir="ltr">{b.name}</code>
                {b.description && <span className="muted"> — {b.description}</span>}
              </span>
            ),
          },
          {
            key: 'locales',
            header: t('templates.locales'),
            render: (b) => (
              <span className="row">
                {LOCALES.filter((l) => b.variants[l]).map((l) => (
                  <Badge key={l}>{localeName(t, l)}</Badge>
                ))}
              </span>
            ),
          },
          {
            key: 'tag',
            header: t('templates.includeTag'),
            render: (b) => <code dir="ltr">{includeTag(b.name)}</code>,
          },
          {
            key: 'updated',
            header: t('templates.updated'),
            sortValue: (b) => b.updatedAt,
            render: (b) => date(Date.parse(b.updatedAt)),
          },
          {
            key: 'actions',
            header: t('templates.actions'),
            render: (b) => (
              <span className="row">
                <Button disabledReason={noWrite} onClick={() => setEditing(b)}>
                  {t('templates.edit')}
                </Button>
                <Button variant="danger" disabledReason={noWrite} onClick={() => remove(b)}>
                  {t('common.delete')}
                </Button>
              </span>
            ),
          },
        ]}
      />
      {editing !== undefined && (
        <BlockDialog
          open
          block={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            onChange();
          }}
        />
      )}
    </Card>
  );
}
