// Channel names and icons shared by the timeline, the customer 360 and the dashboard.
const KNOWN = [
  'web',
  'app',
  'email',
  'sms',
  'push',
  'phone',
  'store',
  'chat',
  'whatsapp',
  'social',
  'qr',
  'survey',
  'server',
  'import',
  'system',
] as const;

const ICON: Record<string, string> = {
  web: 'web',
  app: 'mobile',
  email: 'email',
  sms: 'sms',
  push: 'push',
  phone: 'phone',
  ivr: 'phone',
  call: 'phone',
  store: 'store',
  pos: 'store',
  chat: 'chat',
  whatsapp: 'chat',
  social: 'chat',
  survey: 'survey',
  server: 'server',
  import: 'server',
  system: 'gear',
};

export const channelIcon = (channel: string): string => ICON[channel] ?? 'other';

/** The channel's translated name; unknown (custom) channels show as they are. */
export function channelLabel(t: (key: string) => string, channel: string): string {
  return (KNOWN as readonly string[]).includes(channel) ? t(`customers.channel.${channel}`) : channel;
}
