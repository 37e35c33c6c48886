// Email over SMTP with nodemailer. One transport (the relay) serves every workspace; the workspace's
// identity (from, reply-to, DKIM key) travels with each message. The Message-ID is derived from the outbox
// effect's idempotency key, so a message resent after a crash carries the same Message-ID and the relay,
// the recipient's server and our own bounce handling can recognise it as the same message.
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { SendResult } from './types';
import { permanent, temporary } from './types';

/** How to reach the SMTP relay. */
export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when offered. */
  secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds. */
  requireTLS?: boolean;
  /** Never use STARTTLS (local relays and tests only). */
  ignoreTLS?: boolean;
  auth?: { user: string; pass: string };
  /** Keep connections open and reuse them (recommended for bursts). */
  pool?: boolean;
  maxConnections?: number;
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** Accept self-signed certificates (tests only). */
  allowSelfSignedCertificates?: boolean;
}

/** A DKIM key: the signature is added when a workspace configures one. */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  /** PEM private key. Never logged or returned. */
  privateKey: string;
}

/** The workspace's sending identity. */
export interface EmailIdentity {
  /** `shop@example.com` or `"Example Shop" <shop@example.com>`. */
  from: string;
  replyTo?: string;
  dkim?: DkimKey;
}

export interface EmailMessage {
  /** The outbox effect's key; the Message-ID is derived from it. */
  idempotencyKey: string;
  identity: EmailIdentity;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Marketing mail must carry an unsubscribe link (List-Unsubscribe, RFC 8058 one-click). */
  category: 'marketing' | 'transactional';
  unsubscribe?: { url?: string; mailto?: string };
  /** Content-Language, e.g. `fa`. */
  language?: string;
  /** Extra headers (X-…); cannot replace the ones the sender sets. */
  headers?: Record<string, string>;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<SendResult>;
  /** Checks that the relay answers and accepts our credentials. */
  verify(): Promise<SendResult>;
  /** Closes pooled connections. */
  close(): void;
}

const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'reply-to',
  'message-id',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'content-type',
  'content-transfer-encoding',
  'mime-version',
  'dkim-signature',
]);

// nodemailer's default list plus List-Unsubscribe-Post: RFC 8058 §4 requires the one-click header to be
// covered by the DKIM signature (and mailbox providers ignore one-click otherwise).
const DKIM_SIGNED_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:' +
  'Content-ID:Content-Description:Content-Language:In-Reply-To:References:List-Id:List-Help:List-Unsubscribe:' +
  'List-Unsubscribe-Post:List-Subscribe:List-Post:List-Owner:List-Archive';

/** The nodemailer transport options for an SmtpConfig (shared with the benchmark's baseline). */
export function smtpTransportOptions(config: SmtpConfig) {
  return {
    host: config.host,
    port: config.port,
    secure: config.secure ?? false,
    requireTLS: config.requireTLS ?? false,
    ignoreTLS: config.ignoreTLS ?? false,
    ...(config.auth ? { auth: { user: config.auth.user, pass: config.auth.pass } } : {}),
    connectionTimeout: config.connectionTimeoutMs ?? 30_000,
    greetingTimeout: config.connectionTimeoutMs ?? 30_000,
    socketTimeout: config.socketTimeoutMs ?? 60_000,
    ...(config.allowSelfSignedCertificates ? { tls: { rejectUnauthorized: false } } : {}),
    // Message content comes from templates: never let it make nodemailer read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * The nodemailer transport the sender uses for an SmtpConfig. Exported so the benchmark's baseline runs
 * the same nodemailer with the same settings.
 */
export function createSmtpTransport(config: SmtpConfig) {
  const options = smtpTransportOptions(config);
  return config.pool
    ? createTransport({ ...options, pool: true as const, maxConnections: config.maxConnections ?? 5 })
    : createTransport(options);
}

/** The Message-ID for an idempotency key: the same key always gives the same id. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<omnicx.${digest}@${domain}>`;
}

/** The bare address in `"Name" <addr>` or `addr`. */
function addressOf(mailbox: string): string {
  const m = /<([^<>]+)>\s*$/.exec(mailbox);
  return (m ? m[1]! : mailbox).trim();
}

const EMAIL_RE = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

/**
 * Creates an SMTP email sender.
 * @example
 *   const mail = createEmailSender({ smtp: { host: 'relay.local', port: 587, auth }, pool: true });
 *   await mail.send({ idempotencyKey, identity: workspace.email, to, ...rendered, category: 'marketing',
 *                     unsubscribe: { url: oneClickUrl, mailto: 'unsubscribe@shop.example' } });
 */
export function createEmailSender(opts: { smtp: SmtpConfig; messageIdDomain?: string }): EmailSender {
  const { smtp } = opts;
  const transport = createSmtpTransport(smtp);
  const secrets = [smtp.auth?.pass].filter((s): s is string => !!s);
  const redact = (s: string, extra: (string | undefined)[] = []) => {
    let out = s;
    for (const secret of [...secrets, ...extra]) if (secret) out = out.split(secret).join('[redacted]');
    return out;
  };
  const target = `the SMTP server ${smtp.host}:${smtp.port}`;

  function classify(err: unknown, dkimKey?: string): SendResult {
    const e = err as {
      code?: string;
      responseCode?: number;
      response?: string;
      message?: string;
      command?: string;
    };
    const said = redact((e.response ?? e.message ?? String(err)).trim(), [dkimKey]).slice(0, 300);
    const code = e.responseCode;
    if (typeof code === 'number') {
      if (code === 535 || code === 534 || code === 530) {
        return permanent(
          'auth_failed',
          `${target} refused our credentials (${said}); check the SMTP user and password`,
        );
      }
      if (code >= 500 && code !== 503) {
        return permanent(
          'rejected',
          `${target} rejected the message${e.command ? ` at ${e.command}` : ''}: ${said}`,
        );
      }
      return temporary(
        'smtp_temporary',
        `${target} deferred the message${e.command ? ` at ${e.command}` : ''}: ${said}`,
      );
    }
    switch (e.code) {
      case 'ECONNECTION':
      case 'ETIMEDOUT':
      case 'ESOCKET':
      case 'EDNS':
      case 'ECONNREFUSED':
      case 'ECONNRESET':
      case 'EMAXLIMIT':
        return temporary('connection_error', `could not talk to ${target}: ${said}`);
      case 'ETLS':
        return temporary(
          'connection_error',
          `TLS with ${target} failed: ${said}; check its certificate or the secure/requireTLS settings`,
        );
      case 'EAUTH':
      case 'ENOAUTH':
        return permanent(
          'auth_failed',
          `${target} refused our credentials (${said}); check the SMTP user and password`,
        );
      case 'EENVELOPE':
        return permanent('invalid_address', `the envelope was refused: ${said}`);
      case 'EMESSAGE':
      case 'ECONFIG':
        return permanent('invalid_message', `the message could not be built: ${said}`);
      default:
        return temporary('smtp_error', `sending through ${target} failed: ${said}`);
    }
  }

  return {
    async send(msg: EmailMessage): Promise<SendResult> {
      if (!msg.idempotencyKey?.trim())
        return permanent('invalid_request', 'idempotencyKey is empty; pass the outbox effect key');
      const to = msg.to?.trim() ?? '';
      if (!EMAIL_RE.test(to))
        return permanent('invalid_address', `"${to.slice(0, 100)}" is not an email address`);
      const fromAddress = addressOf(msg.identity.from);
      if (!EMAIL_RE.test(fromAddress)) {
        return permanent(
          'invalid_sender',
          `the workspace's from address "${msg.identity.from.slice(0, 100)}" is not valid; fix it in the email settings`,
        );
      }
      const { url, mailto } = msg.unsubscribe ?? {};
      if (msg.category === 'marketing' && !url && !mailto) {
        return permanent(
          'missing_unsubscribe',
          'marketing email needs an unsubscribe link: pass unsubscribe.url (one-click HTTPS) and/or unsubscribe.mailto',
        );
      }
      if (url !== undefined && (!/^https?:\/\/\S+$/.test(url) || !URL.canParse(url))) {
        return permanent(
          'invalid_unsubscribe',
          'unsubscribe.url must be an absolute http(s) URL without spaces',
        );
      }
      if (mailto !== undefined && !EMAIL_RE.test(mailto.replace(/^mailto:/i, '').split('?')[0] ?? '')) {
        return permanent(
          'invalid_unsubscribe',
          'unsubscribe.mailto must be an email address (optionally mailto:…?subject=…)',
        );
      }

      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(msg.headers ?? {})) {
        if (!RESERVED_HEADERS.has(name.toLowerCase()) && !/[\r\n]/.test(value)) headers[name] = value;
      }
      const links: string[] = [];
      if (mailto) links.push(`<${/^mailto:/i.test(mailto) ? mailto : `mailto:${mailto}`}>`);
      if (url) links.push(`<${url}>`);
      if (links.length) headers['List-Unsubscribe'] = links.join(', ');
      // RFC 8058: one-click needs an HTTPS URI; the POST carries List-Unsubscribe=One-Click.
      if (url?.startsWith('https://')) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      if (msg.category === 'marketing') headers['Precedence'] = 'bulk';
      if (msg.language) headers['Content-Language'] = msg.language;

      const domain = opts.messageIdDomain ?? fromAddress.split('@')[1]!;
      const dkim = msg.identity.dkim;
      try {
        const info = await transport.sendMail({
          from: msg.identity.from,
          ...(msg.identity.replyTo ? { replyTo: msg.identity.replyTo } : {}),
          to,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
          messageId: messageIdFor(msg.idempotencyKey, domain),
          headers,
          ...(dkim
            ? {
                dkim: {
                  domainName: dkim.domainName,
                  keySelector: dkim.keySelector,
                  privateKey: dkim.privateKey,
                  headerFieldNames: DKIM_SIGNED_HEADERS,
                },
              }
            : {}),
        });
        if (info.rejected.length > 0) {
          return permanent(
            'rejected',
            `${target} rejected the recipient: ${redact(String(info.response ?? ''))}`,
          );
        }
        return {
          ok: true,
          providerMessageId: info.messageId,
          detail: redact(String(info.response ?? '')).slice(0, 300),
        };
      } catch (err) {
        return classify(err, dkim?.privateKey);
      }
    },

    async verify(): Promise<SendResult> {
      try {
        await transport.verify();
        return { ok: true, detail: `${target} accepted the connection` };
      } catch (err) {
        return classify(err);
      }
    },

    close() {
      transport.close();
    },
  };
}
