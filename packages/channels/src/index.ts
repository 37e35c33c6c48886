// @omnicx/channels: templates and senders for email, SMS, push and webhooks. No database, no engine:
// the engine's outbox calls these and decides what to do with each SendResult.
export { permanent, temporary, type SendResult } from './types';
export { parseRetryAfter } from './http';
export {
  createWebhookSender,
  signWebhook,
  verifyWebhook,
  WEBHOOK_HEADERS,
  DEFAULT_WEBHOOK_TOLERANCE_MS,
  type WebhookRequest,
} from './webhook';
export * from './templates/index';
export { nextAttempt, DEFAULT_RETRY_POLICY, type RetryPolicy, type RetryDecision } from './retry';
export {
  createEmailSender,
  createSmtpTransport,
  messageIdFor,
  smtpTransportOptions,
  type EmailSender,
  type EmailMessage,
  type EmailIdentity,
  type DkimKey,
  type SmtpConfig,
} from './email';
export * from './sms/index';
export {
  createWebPushSender,
  generateVapidKeys,
  pushTopicFor,
  MAX_PUSH_PAYLOAD_BYTES,
  type PushSender,
  type PushMessage,
  type PushPayload,
  type PushSubscriptionJson,
  type VapidKeys,
} from './push';
