// All UI strings. Each screen folder owns `messages.ts` (`default { en, fa, ar }`, keys prefixed with the
// folder name); this file merges them. Add one import line and one entry in `sets` per folder.
import common from './common';
import signin from '../screens/signin/messages';
import layout from '../screens/layout/messages';
import dashboard from '../screens/dashboard/messages';
import customers from '../screens/customers/messages';
import settings from '../screens/settings/messages';
import segments from '../screens/segments/messages';
import automation from '../screens/automation/messages';
import surveys from '../screens/surveys/messages';
import shared from '../screens/shared/messages';
import templates from '../screens/templates/messages';
import channels from '../screens/channels/messages';

export type Dict = Record<string, string>;
export interface MessageSet {
  en: Dict;
  fa: Dict;
  ar: Dict;
}

export const sets: Record<string, MessageSet> = {
  common,
  signin,
  layout,
  dashboard,
  customers,
  settings,
  segments,
  automation,
  surveys,
  shared,
  templates,
  channels,
};

function merge(locale: keyof MessageSet): Dict {
  const out: Dict = {};
  for (const set of Object.values(sets)) Object.assign(out, set[locale]);
  return out;
}

export const messages: Record<keyof MessageSet, Dict> = { en: merge('en'), fa: merge('fa'), ar: merge('ar') };
