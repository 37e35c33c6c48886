import type { RuleNode } from './rules';

export interface Segment {
  id: string;
  kind: 'dynamic' | 'list';
  name: string;
  description: string;
  rule: RuleNode | null;
  status: 'building' | 'ready';
  version: number;
  buildDone: number;
  buildTotal: number;
  size: number;
  createdAt: string;
  updatedAt: string;
}

export interface Persona {
  id: string;
  name: string;
  description: string;
  goals: string[];
  criticalNeeds: string[];
  preferredChannels: string[];
  imageUrl: string | null;
  segmentId: string;
  size: number;
  createdAt: string;
  updatedAt: string;
}

export interface Definition {
  id: string;
  name: string;
  definition: unknown;
}

export interface Preview {
  count: number;
  scanned: number;
  total: number;
  estimated: boolean;
  estimate: number;
  sample: string[];
}

export interface ProfileSummary {
  id: string;
  identities: { type: string; value: string }[];
  traits: Record<string, unknown>;
}

/** A readable name for a profile: name trait, email, phone, user id, or the id. */
export function profileLabel(p: ProfileSummary): string {
  const tr = p.traits ?? {};
  const name = [tr.name, [tr.firstName, tr.lastName].filter(Boolean).join(' ')].find(
    (x) => typeof x === 'string' && x.trim() !== '',
  ) as string | undefined;
  const id = (type: string) => p.identities?.find((i) => i.type === type)?.value;
  const email = (tr.email as string | undefined) ?? id('email');
  return [name, email ?? id('phone') ?? id('user_id')].filter(Boolean).join(' · ') || p.id;
}
