// Process definitions as the designer edits them (local types mirroring packages/core/src/automation/types.ts;
// the server's validator is the source of truth): defaults per node type, ports, ids.

export type Obj = Record<string, unknown>;

export const NODE_TYPES = [
  'trigger',
  'wait',
  'condition',
  'split',
  'ab_test',
  'action',
  'goal',
  'exit',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export const TRIGGER_KINDS = [
  'event',
  'segment_entered',
  'segment_exited',
  'trait_changed',
  'score_crossed',
  'date',
  'schedule',
  'manual',
];
export const WAIT_KINDS = ['duration', 'until', 'event', 'segment'];
export const ACTION_KINDS = [
  'send_message',
  'webhook',
  'set_trait',
  'list',
  'change_score',
  'coupon',
  'task',
  'start_process',
  'emit_event',
];
export const MESSAGE_CHANNELS = ['email', 'sms', 'push', 'webhook', 'log'];
export const OUTCOMES = ['sent', 'delivered', 'opened', 'clicked', 'replied', 'bounced', 'failed'];

export interface PNode extends Obj {
  id: string;
  type: NodeType;
  label?: string;
  position?: { x: number; y: number };
}

export interface PEdge {
  from: string;
  port?: string;
  to: string;
}

export interface Definition extends Obj {
  nodes: PNode[];
  edges: PEdge[];
  entry?: { recurrence?: string; frequency?: { max: number; per: { amount: number; unit: string } } };
  exitWhen?: unknown;
  timezone?: string;
}

export interface Process {
  id: string;
  name: string;
  description: string;
  status: 'draft' | 'published' | 'paused' | 'archived';
  draft: Definition;
  publishedVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProcessIssue {
  code: string;
  message: string;
  field?: string;
  nodeId?: string;
}

export interface Stats {
  instances: { total: number; running: number };
  nodes: Record<string, Record<string, number>>;
}

export const defaultTrigger = (kind: string): Obj => {
  switch (kind) {
    case 'event':
      return { kind, event: '' };
    case 'segment_entered':
    case 'segment_exited':
      return { kind, segment: '' };
    case 'trait_changed':
      return { kind, trait: '' };
    case 'score_crossed':
      return { kind, model: '', threshold: 50, direction: 'up' };
    case 'date':
      return { kind, trait: 'birthday', at: '09:00' };
    case 'schedule':
      return { kind, segment: '', schedule: { every: 'day', at: '09:00' } };
    default:
      return { kind };
  }
};

export const defaultWait = (kind: string): Obj => {
  switch (kind) {
    case 'duration':
      return { kind, amount: 1, unit: 'days' };
    case 'until':
      return { kind, at: '09:00' };
    case 'event':
      return { kind, event: '', timeout: { amount: 3, unit: 'days' } };
    case 'segment':
      return { kind, segment: '', timeout: { amount: 3, unit: 'days' } };
    default:
      return { kind };
  }
};

export const defaultAction = (kind: string): Obj => {
  switch (kind) {
    case 'send_message':
      return { kind, channel: 'email', template: '' };
    case 'webhook':
      return { kind, url: 'https://', method: 'POST' };
    case 'set_trait':
      return { kind, trait: '', value: '' };
    case 'list':
      return { kind, op: 'add', list: '' };
    case 'change_score':
      return { kind, model: '', points: 10 };
    case 'coupon':
      return { kind, campaign: '' };
    case 'task':
      return { kind, task: 'task', title: '' };
    case 'start_process':
      return { kind, process: '' };
    case 'emit_event':
      return { kind, event: '' };
    default:
      return { kind };
  }
};

/** A new node of a type, at a position. */
export function newNode(type: NodeType, id: string, position: { x: number; y: number }): PNode {
  const base = { id, type, position };
  switch (type) {
    case 'trigger':
      return { ...base, trigger: defaultTrigger('event') };
    case 'wait':
      return { ...base, wait: defaultWait('duration') };
    case 'condition':
      return { ...base, branches: [{ id: 'yes', when: { trait: '', op: 'exists' } }] };
    case 'split':
      return {
        ...base,
        variants: [
          { id: 'a', weight: 50 },
          { id: 'b', weight: 50 },
        ],
      };
    case 'ab_test':
      return {
        ...base,
        variants: [
          { id: 'a', weight: 50 },
          { id: 'b', weight: 50 },
        ],
        goal: { event: '' },
      };
    case 'action':
      return { ...base, action: defaultAction('send_message') };
    case 'goal':
      return { ...base, event: '' };
    default:
      return base;
  }
}

/** The output ports of a node, like core's `portsOf` (action: optional `next`). */
export function portsOf(n: PNode): string[] {
  switch (n.type) {
    case 'trigger':
      return ['next'];
    case 'wait': {
      const k = (n.wait as Obj | undefined)?.kind;
      return k === 'event' || k === 'segment' ? ['matched', 'timeout'] : ['next'];
    }
    case 'condition':
      return [...((n.branches as { id: string }[] | undefined) ?? []).map((b) => b.id), 'else'];
    case 'split':
    case 'ab_test':
      return ((n.variants as { id: string }[] | undefined) ?? []).map((v) => v.id);
    case 'action':
      return ['next'];
    default:
      return [];
  }
}

/** Whether a node can be the target of an edge. */
export const hasInput = (n: PNode) => n.type !== 'trigger' && n.type !== 'goal';

/** A node id not used yet: `wait-2`. */
export function freeId(nodes: PNode[], type: string): string {
  const used = new Set(nodes.map((n) => n.id));
  for (let i = 1; ; i++) {
    const id = `${type.replace('_', '-')}-${i}`;
    if (!used.has(id)) return id;
  }
}

/** The errors of the validator grouped by node id ('' for the process as a whole). */
export function issuesByNode(issues: ProcessIssue[], nodes: PNode[]): Map<string, ProcessIssue[]> {
  const out = new Map<string, ProcessIssue[]>();
  for (const e of issues) {
    const f = e.field ?? '';
    const byIndex = /^nodes\[(\d+)\]/.exec(f)?.[1];
    const m =
      e.nodeId ??
      (byIndex !== undefined ? nodes[Number(byIndex)]?.id : undefined) ??
      /^nodes\.([^.[\]]+)/.exec(f)?.[1] ??
      '';
    const list = out.get(m) ?? [];
    list.push(e);
    out.set(m, list);
  }
  return out;
}

export const emptyDefinition = (): Definition => ({ nodes: [], edges: [] });
