import { createWebhookSender, type SendResult } from '@omnicx/channels';
import type { Action } from '@omnicx/core';
import type { OutboxRecord } from '@omnicx/store';
import type { AutomationService } from './automation';
import type { SegmentService } from './segments';
import type { Sender } from './outbox';
import type { Clock, Logger } from './ports';

const actionOf = (e: OutboxRecord) => e.payload.action as Action;

/**
 * The senders omnicx has without any channel configured: the log (a message written to the log instead of
 * sent — for trying processes out), signed webhooks, and the effects that act on omnicx itself but need
 * their own transaction (list membership, starting another process). Email, SMS and push senders come
 * from the channel settings.
 */
export function builtInSenders(d: {
  logger: Logger;
  automation: AutomationService;
  segments: () => SegmentService;
  webhookSecret?: string | undefined;
  clock: Clock;
}): Record<string, Sender> {
  const log: Sender = {
    async send(e) {
      d.logger.info(
        {
          effect: e.id,
          key: e.key,
          kind: e.kind,
          profileId: e.profileId,
          processId: e.processId,
          node: e.node,
        },
        'process effect (log sender)',
      );
      return { ok: true, detail: 'logged' };
    },
  };
  const hooks = createWebhookSender({ now: () => d.clock.now() });
  return {
    log,
    'message.log': log,
    webhook: {
      async send(e): Promise<SendResult> {
        const a = actionOf(e);
        if (a.kind !== 'webhook')
          return { ok: false, retryable: false, code: 'invalid_effect', message: 'not a webhook' };
        return hooks.send({
          url: a.url,
          method: a.method ?? 'POST',
          body: {
            ...(a.body ?? {}),
            omnicx: {
              effectId: e.id,
              processId: e.processId,
              instanceId: e.instanceId,
              node: e.node,
              profileId: e.profileId,
              trigger: e.payload.trigger ?? null,
            },
          },
          ...(d.webhookSecret ? { secret: d.webhookSecret } : {}),
          idempotencyKey: e.key,
        });
      },
    },
    list: {
      async send(e): Promise<SendResult> {
        const a = actionOf(e);
        if (a.kind !== 'list' || e.profileId === null)
          return { ok: false, retryable: false, code: 'invalid_effect', message: 'not a list change' };
        // Adding a member twice changes nothing: a replay after a crash is harmless.
        const r = await d.segments().changeList(e.workspaceId, a.list, a.op, [e.profileId]);
        return r.ok
          ? { ok: true, detail: `${a.op} ${r.value.changed}` }
          : { ok: false, retryable: false, code: r.error.code, message: r.error.message };
      },
    },
    start_process: {
      async send(e): Promise<SendResult> {
        const a = actionOf(e);
        if (a.kind !== 'start_process' || e.profileId === null)
          return { ok: false, retryable: false, code: 'invalid_effect', message: 'not a process start' };
        // The instance id comes from the effect key: a replay finds the instance already started.
        const r = await d.automation.startFromEffect(e.workspaceId, a.process, e.profileId, `ins_fx_${e.id}`);
        return r.ok
          ? { ok: true, detail: r.value }
          : { ok: false, retryable: false, code: r.error.code, message: r.error.message };
      },
    },
  };
}
