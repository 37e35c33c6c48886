// The common shape of SMS providers: the engine picks a workspace's provider and calls send().
import type { SendResult } from '../types';
import { permanent } from '../types';

/** One SMS to one phone. */
export interface SmsMessage {
  /** The outbox effect's key (sent to providers that de-duplicate on it). */
  idempotencyKey: string;
  /** The recipient in E.164: `+989121234567`. */
  to: string;
  text: string;
  /** The workspace's sender id (number, short code or alphanumeric); overrides the provider's default. */
  from?: string;
}

export interface SmsProvider {
  /** `twilio`, `kavenegar`, `http`… for logs and metrics. */
  readonly name: string;
  send(message: SmsMessage): Promise<SendResult>;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** Checks the parts every provider needs; returns a permanent failure or undefined. */
export function checkSms(msg: SmsMessage): SendResult | undefined {
  if (!msg.idempotencyKey?.trim())
    return permanent('invalid_request', 'idempotencyKey is empty; pass the outbox effect key');
  if (!E164.test(msg.to ?? '')) {
    return permanent(
      'invalid_number',
      `"${String(msg.to).slice(0, 32)}" is not an E.164 phone number; give + country code and number, e.g. +989121234567`,
    );
  }
  if (!msg.text?.trim()) return permanent('invalid_message', 'the SMS text is empty');
  return undefined;
}

/** Removes secrets from text that goes into a result (a provider may echo a key back). */
export function redact(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
