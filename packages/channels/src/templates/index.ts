export { LOCALES, normalizeLocale, profileLocale, directionOf, chooseLocale } from './locale';
export type { Locale, LocaleChoice } from './locale';
export { smsLength } from './sms-length';
export type { SmsLength, SmsEncoding } from './sms-length';
export { htmlToText, emailLayout, escapeHtml } from './html';
export { TemplateRenderError, DEFAULT_TEMPLATE_LIMITS } from './sandbox';
export type { ContentBlocks, TemplateError, TemplateErrorCode, TemplateLimits } from './sandbox';
export { createTemplateRenderer } from './render';
export type {
  ChannelContents,
  EmailContent,
  MessageTemplate,
  PreviewResult,
  PushContent,
  RenderContext,
  RenderedEmail,
  RenderedPush,
  RenderedSms,
  SmsContent,
  TemplateChannel,
  TemplateRenderer,
} from './render';
