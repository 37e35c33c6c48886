export type { SmsMessage, SmsProvider } from './types';
export { createHttpSmsProvider, type HttpSmsOptions } from './http-provider';
export {
  createTwilioProvider,
  twilioSignature,
  verifyTwilioSignature,
  twilioDeliveryStatus,
  type TwilioOptions,
} from './twilio';
export {
  createKavenegarProvider,
  kavenegarReceptor,
  kavenegarLocalId,
  type KavenegarOptions,
} from './kavenegar';
