// The visual process designer (@xyflow/react, in this lazily loaded chunk only): a palette for every node
// type, a side panel form for the selected node, edges from branch handles, save draft, validate (errors on
// the node: red outline + message), publish / pause / resume / archive, live per-node counts while published,
// and the history of a chosen profile's instance. The canvas stays LTR in RTL; palette, panel and toolbar mirror.
import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  applyNodeChanges,
  type Connection,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
  type NodeProps,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Link, navigate, useRoute } from '../../router';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Select, TextField } from '../../ui/Field';
import { ErrorBanner, Spinner } from '../../ui/States';
import { Instances } from './Instances';
import {
  NODE_TYPES,
  emptyDefinition,
  freeId,
  hasInput,
  issuesByNode,
  newNode,
  portsOf,
  type Definition,
  type NodeType,
  type Obj,
  type PNode,
  type Process,
  type ProcessIssue,
  type Stats,
} from './model';
import { CondEditor, NodeForm, type DesignRefs } from './NodeForm';
import { issueText, portLabel } from './labels';
import { Checkbox } from '../shared/fields';
import './automation.css';

type T = (k: string, v?: Record<string, string | number>) => string;

interface StepData extends Record<string, unknown> {
  node: PNode;
  issues: ProcessIssue[];
  counts: Record<string, number> | undefined;
  t: T;
  num(n: number): string;
}

/** One-line description of a node's settings, shown on the canvas. */
function summary(n: PNode, t: T): string {
  const o = (k: string) => (n[k] as Obj | undefined) ?? {};
  switch (n.type) {
    case 'trigger': {
      const tr = o('trigger');
      const what = String(tr.event ?? tr.segment ?? tr.trait ?? tr.model ?? '');
      return `${t(`automation.trigger.${String(tr.kind)}`)}${what ? `: ${what}` : ''}`;
    }
    case 'wait': {
      const w = o('wait');
      if (w.kind === 'duration')
        return `${t('automation.wait.duration')}: ${String(w.amount)} ${t(`shared.unit.${String(w.unit)}`)}`;
      return `${t(`automation.wait.${String(w.kind)}`)}${w.event || w.segment ? `: ${String(w.event ?? w.segment)}` : ''}`;
    }
    case 'action': {
      const a = o('action');
      const what = String(a.template ?? a.trait ?? a.event ?? a.title ?? a.url ?? a.list ?? a.campaign ?? '');
      return `${t(`automation.action.${String(a.kind)}`)}${a.channel ? ` (${String(a.channel)})` : ''}${what ? `: ${what}` : ''}`;
    }
    case 'goal':
      return String(n.event ?? '');
    case 'condition':
      return t('automation.nBranches', { n: ((n.branches as unknown[]) ?? []).length });
    case 'split':
    case 'ab_test':
      return ((n.variants as { id: string; weight: number }[]) ?? [])
        .map((v) => `${v.id} ${v.weight}`)
        .join(' / ');
    default:
      return '';
  }
}

const ICONS: Record<string, string> = {
  trigger: '⚡',
  wait: '◔',
  condition: '◇',
  split: '⋔',
  ab_test: 'A/B',
  action: '▶',
  goal: '★',
  exit: '■',
};

const StepNode = memo(function StepNode({ data, selected }: NodeProps<Node<StepData>>) {
  const { node, issues, counts, t, num } = data;
  const ports = portsOf(node);
  const invalid = issues.length > 0;
  const running = counts ? (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.held ?? 0) : 0;
  return (
    <div
      className={`pnode pnode-${node.type}${invalid ? ' pnode-invalid' : ''}${selected ? ' pnode-selected' : ''}`}
      data-testid={`node-${node.id}`}
      data-invalid={invalid || undefined}
    >
      {hasInput(node) && <Handle type="target" position={Position.Top} />}
      <div className="pnode-head">
        <span aria-hidden="true" className="pnode-icon">
          {ICONS[node.type]}
        </span>
        <strong>{node.label || t(`automation.type.${node.type}`)}</strong>
      </div>
      <div className="pnode-summary">{summary(node, t)}</div>
      {counts && (
        <div className="pnode-counts" data-testid={`counts-${node.id}`}>
          <span title={t('automation.entered')}>
            {t('automation.enteredN', { n: num(counts.entered ?? 0) })}
          </span>
          {running > 0 && <span className="pnode-running">{t('automation.hereN', { n: num(running) })}</span>}
          {(counts.errored ?? 0) > 0 && (
            <span className="bad">{t('automation.erroredN', { n: num(counts.errored!) })}</span>
          )}
        </div>
      )}
      {invalid && (
        <ul className="pnode-issues" data-testid={`issues-${node.id}`}>
          {issues.map((e, i) => (
            <li key={i}>{issueText(e, t)}</li>
          ))}
        </ul>
      )}
      {ports.map((p, i) => (
        <div key={p} className="pnode-port" style={{ left: `${((i + 1) * 100) / (ports.length + 1)}%` }}>
          {(ports.length > 1 || p !== 'next') && <span className="pnode-port-label">{portLabel(t, p)}</span>}
          <Handle type="source" id={p} position={Position.Bottom} />
        </div>
      ))}
    </div>
  );
});

const nodeTypes = { step: StepNode };

export default function ProcessDesigner() {
  const { t, num, date, dir } = useI18n();
  const { can } = useAuth();
  const { params } = useRoute();
  const isNew = params.id === 'new';
  const canWrite = can('processes:write');
  const noWrite = canWrite ? undefined : t('automation.noWrite');

  const [proc, setProc] = useState<Process | undefined>();
  const [name, setName] = useState('');
  const [def, setDef] = useState<Definition>(emptyDefinition);
  const [selected, setSelected] = useState<string | undefined>();
  const [issues, setIssues] = useState<ProcessIssue[]>([]);
  const [validated, setValidated] = useState<'valid' | 'invalid' | undefined>();
  const [error, setError] = useState<unknown>();
  const [loadError, setLoadError] = useState<unknown>();
  const [busy, setBusy] = useState<string | undefined>();
  const [dirty, setDirty] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const [stats, setStats] = useState<Stats | undefined>();
  const [refs, setRefs] = useState<DesignRefs>({ segments: [], scores: [], processes: [] });

  useEffect(() => {
    const get = <R,>(p: string, f: R) => api.get<R>(p).catch(() => f);
    void Promise.all([
      get<{ segments: { id: string; name: string; kind: string }[] }>('/api/v1/segments', { segments: [] }),
      get<{ scoreModels: { id: string; name: string }[] }>('/api/v1/score-models', { scoreModels: [] }),
      get<{ processes: { id: string; name: string }[] }>('/api/v1/processes', { processes: [] }),
    ]).then(([s, m, p]) =>
      setRefs({
        segments: s.segments.map((x) => ({ id: x.id, name: x.name, kind: x.kind })),
        scores: m.scoreModels.map((x) => ({ id: x.id, name: x.name })),
        processes: p.processes.filter((x) => x.id !== params.id).map((x) => ({ id: x.id, name: x.name })),
      }),
    );
  }, [params.id]);

  // The process this page just created: its URL changes to its id, but the state here is already newer.
  const created = useRef<string | undefined>(undefined);
  const load = useCallback(() => {
    if (isNew || created.current === params.id) return;
    api
      .get<Process>(`/api/v1/processes/${encodeURIComponent(params.id!)}`)
      .then((p) => {
        setProc(p);
        setName(p.name);
        setDef({ ...emptyDefinition(), ...(p.draft ?? {}) });
        setDirty(false);
      })
      .catch(setLoadError);
  }, [isNew, params.id]);
  useEffect(load, [load]);

  // ---- live per-node counts while the process runs
  const live =
    proc && (proc.status === 'published' || proc.status === 'paused' || proc.status === 'archived');
  useEffect(() => {
    if (!proc || !live) return;
    let stop = false;
    const tick = () =>
      api
        .get<Stats>(`/api/v1/processes/${encodeURIComponent(proc.id)}/stats`)
        .then((s) => !stop && setStats(s))
        .catch(() => undefined);
    void tick();
    const h = setInterval(tick, 3000);
    return () => {
      stop = true;
      clearInterval(h);
    };
  }, [proc, live]);

  const byNode = useMemo(() => issuesByNode(issues, def.nodes), [issues, def.nodes]);
  const general = byNode.get('') ?? [];

  // ---- the canvas: xyflow nodes built from the definition (keeping measured sizes)
  const [rfNodes, setRfNodes] = useState<Node<StepData>[]>([]);
  const [flow, setFlow] = useState<ReactFlowInstance<Node<StepData>, Edge> | undefined>();
  // Keep every step in view when steps are added or removed (the canvas starts empty for a new process).
  const nodeCount = def.nodes.length;
  useEffect(() => {
    if (!flow || nodeCount === 0) return;
    const h = setTimeout(() => void flow.fitView({ maxZoom: 1, padding: 0.15, duration: 0 }), 60);
    return () => clearTimeout(h);
  }, [flow, nodeCount]);
  useEffect(() => {
    setRfNodes((prev) => {
      const old = new Map(prev.map((n) => [n.id, n]));
      return def.nodes.map((n, i) => {
        const p = old.get(n.id);
        return {
          id: n.id,
          type: 'step',
          position: p?.dragging
            ? p.position
            : (n.position ?? { x: 40 + (i % 4) * 240, y: 40 + Math.floor(i / 4) * 160 }),
          data: {
            node: n,
            issues: byNode.get(n.id) ?? [],
            counts: stats ? (stats.nodes[n.id] ?? {}) : undefined,
            t,
            num: (x: number) => num(x),
          },
          selected: n.id === selected,
          ariaLabel: `${t(`automation.type.${n.type}`)} ${n.label || n.id}${byNode.get(n.id)?.length ? `, ${t('automation.hasErrors')}` : ''}`,
          ...(p?.measured ? { measured: p.measured } : {}),
          ...(p?.dragging ? { dragging: true } : {}),
          deletable: canWrite,
          draggable: canWrite,
          connectable: canWrite,
        };
      });
    });
  }, [def.nodes, byNode, stats, selected, t, num, canWrite]);

  const rfEdges: Edge[] = useMemo(
    () =>
      def.edges.map((e) => {
        const port = e.port ?? 'next';
        const passed = stats?.nodes[e.from]?.[`passed:${port}`];
        const label = [port !== 'next' ? portLabel(t, port) : '', passed !== undefined ? num(passed) : '']
          .filter(Boolean)
          .join(' · ');
        return {
          id: `${e.from}:${port}->${e.to}`,
          source: e.from,
          sourceHandle: port,
          target: e.to,
          ...(label ? { label } : {}),
          deletable: canWrite,
          ariaLabel: t('automation.edgeLabel', { from: e.from, port: portLabel(t, port), to: e.to }),
        };
      }),
    [def.edges, stats, t, num, canWrite],
  );

  const edit = (f: (d: Definition) => Definition) => {
    setDef((d) => f(d));
    setDirty(true);
    setValidated(undefined);
    setNotice(undefined);
  };

  const onNodesChange = useCallback((changes: NodeChange<Node<StepData>>[]) => {
    setRfNodes((ns) => applyNodeChanges(changes, ns));
    for (const c of changes) {
      if (c.type === 'select') {
        if (c.selected) setSelected(c.id);
        else setSelected((s) => (s === c.id ? undefined : s));
      } else if (c.type === 'position' && c.position && !c.dragging) {
        const pos = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
        edit((d) => ({ ...d, nodes: d.nodes.map((n) => (n.id === c.id ? { ...n, position: pos } : n)) }));
      } else if (c.type === 'remove') {
        edit((d) => ({
          ...d,
          nodes: d.nodes.filter((n) => n.id !== c.id),
          edges: d.edges.filter((e) => e.from !== c.id && e.to !== c.id),
        }));
      }
    }
  }, []);

  const connect = useCallback((from: string, port: string, to: string) => {
    edit((d) => ({
      ...d,
      edges: [
        ...d.edges.filter((e) => !(e.from === from && (e.port ?? 'next') === port)),
        ...(to ? [{ from, port, to }] : []),
      ],
    }));
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      if (c.source && c.target) connect(c.source, c.sourceHandle ?? 'next', c.target);
    },
    [connect],
  );
  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const removed = new Set(changes.filter((c) => c.type === 'remove').map((c) => c.id));
    if (removed.size)
      edit((d) => ({
        ...d,
        edges: d.edges.filter((e) => !removed.has(`${e.from}:${e.port ?? 'next'}->${e.to}`)),
      }));
  }, []);

  const addNode = (type: NodeType) => {
    const id = freeId(def.nodes, type);
    // Top to bottom, below the selected (or last) step.
    const anchor = def.nodes.find((n) => n.id === selected) ?? def.nodes[def.nodes.length - 1];
    const position = anchor?.position
      ? { x: anchor.position.x + (def.nodes.length % 2 ? 40 : -40), y: anchor.position.y + 150 }
      : { x: 40, y: 80 };
    edit((d) => ({ ...d, nodes: [...d.nodes, newNode(type, id, position)] }));
    setSelected(id);
  };

  // ---- server actions
  const issuesOf = (e: unknown): ProcessIssue[] | null => {
    if (!(e instanceof ApiError) || e.status !== 400) return null;
    return Array.isArray(e.details) ? (e.details as ProcessIssue[]) : null;
  };

  const save = async (): Promise<Process | undefined> => {
    setError(undefined);
    const body = { name: name.trim() || t('automation.untitled'), definition: def };
    const p =
      isNew && !proc
        ? await api.post<Process>('/api/v1/processes', body)
        : await api.patch<Process>(
            `/api/v1/processes/${encodeURIComponent((proc ?? { id: params.id! }).id)}`,
            body,
          );
    setProc(p);
    setDirty(false);
    if (isNew) {
      created.current = p.id;
      navigate(`/automation/${encodeURIComponent(p.id)}`, { replace: true });
    }
    return p;
  };

  const run = async (what: string, f: () => Promise<void>) => {
    setBusy(what);
    setError(undefined);
    setNotice(undefined);
    try {
      await f();
    } catch (e) {
      const list = issuesOf(e);
      if (list) {
        setIssues(list);
        setValidated('invalid');
      }
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  const validate = () =>
    run('validate', async () => {
      const r = await api.post<{ valid: boolean; errors: ProcessIssue[] }>('/api/v1/processes/validate', {
        definition: def,
      });
      setIssues(r.errors);
      setValidated(r.valid ? 'valid' : 'invalid');
      const firstBad = r.errors.find((e) => e.nodeId)?.nodeId;
      if (firstBad) setSelected(firstBad);
    });

  const transition = (action: 'publish' | 'pause' | 'resume' | 'archive') =>
    run(action, async () => {
      const p = dirty || !proc ? await save() : proc;
      if (!p) return;
      const next = await api.post<Process>(`/api/v1/processes/${encodeURIComponent(p.id)}/${action}`);
      setProc(next);
      if (action === 'publish') {
        setIssues([]);
        setValidated('valid');
      }
      setNotice(t(`automation.done.${action}`));
    });

  if (loadError) return <ErrorBanner error={loadError} onRetry={load} />;
  if (!isNew && !proc) return <Spinner />;

  const selNode = def.nodes.find((n) => n.id === selected);
  const status = proc?.status ?? 'draft';
  const tone =
    status === 'published'
      ? 'good'
      : status === 'paused'
        ? 'warn'
        : status === 'archived'
          ? 'neutral'
          : 'info';

  return (
    <div className="screen designer">
      <header className="screen-header">
        <div>
          <Link to="/automation" className="back-link">
            <span className="icon-dir" aria-hidden="true">
              ←
            </span>{' '}
            {t('automation.title')}
          </Link>
          <h1>{isNew && !proc ? t('automation.new') : proc?.name}</h1>
        </div>
        <div className="toolbar" role="toolbar" aria-label={t('automation.toolbar')}>
          <Badge tone={tone}>{t(`automation.status.${status}`)}</Badge>
          {proc?.publishedVersion ? (
            <Badge>{t('automation.version', { n: proc.publishedVersion })}</Badge>
          ) : null}
          <Button
            busy={busy === 'save'}
            disabledReason={noWrite}
            onClick={() => run('save', async () => void (await save(), setNotice(t('automation.saved'))))}
          >
            {t('automation.saveDraft')}
          </Button>
          <Button busy={busy === 'validate'} onClick={validate}>
            {t('automation.validate')}
          </Button>
          {(status === 'draft' || status === 'published' || status === 'paused') && (
            <Button
              variant="primary"
              busy={busy === 'publish'}
              disabledReason={noWrite}
              onClick={() => transition('publish')}
            >
              {status === 'draft' ? t('automation.publish') : t('automation.publishNew')}
            </Button>
          )}
          {status === 'published' && (
            <Button busy={busy === 'pause'} disabledReason={noWrite} onClick={() => transition('pause')}>
              {t('automation.pause')}
            </Button>
          )}
          {status === 'paused' && (
            <Button busy={busy === 'resume'} disabledReason={noWrite} onClick={() => transition('resume')}>
              {t('automation.resume')}
            </Button>
          )}
          {proc && status !== 'archived' && status !== 'draft' && (
            <Button
              variant="danger"
              busy={busy === 'archive'}
              disabledReason={noWrite}
              onClick={() => transition('archive')}
            >
              {t('automation.archive')}
            </Button>
          )}
        </div>
      </header>
      <div className="status-line" aria-live="polite">
        {notice && <span className="ok">{notice}</span>}
        {validated === 'valid' && !notice && (
          <span className="ok" data-testid="validation-ok">
            {t('automation.valid')}
          </span>
        )}
        {validated === 'invalid' && (
          <span className="bad" data-testid="validation-failed">
            {t('automation.invalid', { n: issues.length })}
          </span>
        )}
        {dirty && <span className="muted"> {t('automation.unsaved')}</span>}
        {live && stats && (
          <span className="muted" data-testid="instance-totals">
            {' '}
            {t('automation.instancesTotals', {
              total: num(stats.instances.total),
              running: num(stats.instances.running),
            })}
          </span>
        )}
      </div>
      {error && !issuesOf(error) ? <ErrorBanner error={error} /> : null}
      {general.length > 0 && (
        <ul className="rule-issues" aria-live="assertive">
          {general.map((e, i) => (
            <li key={i}>
              {issueText(e, t)}{' '}
              <code dir="ltr" className="muted small">
                {e.code}
              </code>
            </li>
          ))}
        </ul>
      )}
      <div className="designer-grid">
        <aside className="palette" aria-label={t('automation.palette')}>
          <TextField
            label={t('automation.name')}
            value={name}
            onChange={(s) => (setName(s), setDirty(true))}
            disabled={!canWrite}
          />
          <h2 className="h-small">{t('automation.addStep')}</h2>
          <div className="palette-buttons">
            {NODE_TYPES.map((type) => (
              <Button
                key={type}
                disabledReason={noWrite}
                onClick={() => addNode(type)}
                className={`palette-${type}`}
              >
                <span aria-hidden="true">{ICONS[type]}</span> {t(`automation.type.${type}`)}
              </Button>
            ))}
          </div>
          <h2 className="h-small">{t('automation.steps')}</h2>
          {def.nodes.length === 0 ? (
            <p className="muted small">{t('automation.emptyCanvas')}</p>
          ) : (
            <ul className="step-list">
              {def.nodes.map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    className={`btn btn-ghost step-button${n.id === selected ? ' is-selected' : ''}${byNode.get(n.id)?.length ? ' is-invalid' : ''}`}
                    aria-pressed={n.id === selected}
                    onClick={() => setSelected(n.id)}
                  >
                    {ICONS[n.type]} {n.label || t(`automation.type.${n.type}`)} <code dir="ltr">{n.id}</code>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <ProcessSettings def={def} refs={refs} onChange={(d) => edit(() => d)} disabled={!canWrite} />
        </aside>
        <div className="canvas" dir="ltr" aria-label={t('automation.canvas')} role="region">
          <ReactFlow<Node<StepData>, Edge>
            nodes={rfNodes}
            edges={rfEdges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onPaneClick={() => setSelected(undefined)}
            onInit={setFlow}
            fitView
            fitViewOptions={{ maxZoom: 1 }}
            minZoom={0.3}
            deleteKeyCode={canWrite ? ['Delete'] : null}
            nodesFocusable
            edgesFocusable
            proOptions={{ hideAttribution: true }}
            ariaLabelConfig={{
              'node.a11yDescription.default': t('automation.a11y.node'),
              'node.a11yDescription.keyboardDisabled': t('automation.a11y.nodeNoKeys'),
              'edge.a11yDescription.default': t('automation.a11y.edge'),
              'controls.ariaLabel': t('automation.a11y.controls'),
              'controls.zoomIn.ariaLabel': t('automation.a11y.zoomIn'),
              'controls.zoomOut.ariaLabel': t('automation.a11y.zoomOut'),
              'controls.fitView.ariaLabel': t('automation.a11y.fitView'),
              'controls.interactive.ariaLabel': t('automation.a11y.interactive'),
              'handle.ariaLabel': t('automation.a11y.handle'),
            }}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
        <aside className="panel" aria-label={t('automation.panel')} dir={dir}>
          {selNode ? (
            <NodeForm
              key={selNode.id}
              node={selNode}
              nodes={def.nodes}
              edges={def.edges}
              refs={refs}
              issues={byNode.get(selNode.id) ?? []}
              readOnly={!canWrite}
              onChange={(n) => edit((d) => ({ ...d, nodes: d.nodes.map((x) => (x.id === n.id ? n : x)) }))}
              onConnect={(port, to) => connect(selNode.id, port, to)}
              onDelete={() => {
                edit((d) => ({
                  ...d,
                  nodes: d.nodes.filter((n) => n.id !== selNode.id),
                  edges: d.edges.filter((e) => e.from !== selNode.id && e.to !== selNode.id),
                }));
                setSelected(undefined);
              }}
            />
          ) : (
            <p className="muted">{t('automation.selectHint')}</p>
          )}
        </aside>
      </div>
      {proc && proc.status !== 'draft' && (
        <Instances processId={proc.id} nodes={def.nodes} live={!!live} date={date} />
      )}
    </div>
  );
}

function ProcessSettings({
  def,
  refs,
  onChange,
  disabled,
}: {
  def: Definition;
  refs: DesignRefs;
  onChange(d: Definition): void;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const rec = def.entry?.recurrence ?? 'if_not_running';
  return (
    <details className="process-settings">
      <summary>{t('automation.settings')}</summary>
      <fieldset disabled={disabled} className="plain">
        <legend className="visually-hidden">{t('automation.settings')}</legend>
        <Select
          label={t('automation.recurrence')}
          value={rec}
          options={['if_not_running', 'once', 'always'].map((x) => ({
            value: x,
            label: t(`automation.recurrence.${x}`),
          }))}
          onChange={(s) => onChange({ ...def, entry: { ...(def.entry ?? {}), recurrence: s } })}
        />
        <TextField
          label={t('automation.timezone')}
          dir="ltr"
          placeholder="Asia/Tehran"
          value={def.timezone ?? ''}
          onChange={(s) => {
            const d = { ...def };
            if (s) d.timezone = s;
            else delete d.timezone;
            onChange(d);
          }}
        />
        <Checkbox
          label={t('automation.exitWhen')}
          checked={def.exitWhen !== undefined}
          onChange={(on) => {
            const d = { ...def };
            if (on) d.exitWhen = { performed: 'Order Completed' };
            else delete d.exitWhen;
            onChange(d);
          }}
        />
        {def.exitWhen !== undefined && (
          <CondEditor
            value={def.exitWhen}
            nodes={def.nodes}
            refs={refs}
            onChange={(w) => onChange({ ...def, exitWhen: w })}
          />
        )}
      </fieldset>
    </details>
  );
}
