export type { SmsMessage, SmsProvider } from './types';
export { createHttpSmsProvider, type HttpSmsOptions } from './http-provider';
export { createTwilioProvider, type TwilioOptions } from './twilio';
export {
  createKavenegarProvider,
  kavenegarReceptor,
  kavenegarLocalId,
  type KavenegarOptions,
} from './kavenegar';
