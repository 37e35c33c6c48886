// A real SMTP server for tests (the smtp-server package), keeping every message it accepted, raw and parsed.
// Recipients choose the server's answer: reject@… → 550, busy@… → 451, anything else → accepted.
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtp {
  port: number;
  received: Received[];
  /** Raw message count, without parsing (for the benchmark). */
  count(): number;
  close(): Promise<void>;
}

export async function startSmtp(
  opts: { parse?: boolean; auth?: { user: string; pass: string } } = {},
): Promise<TestSmtp> {
  const received: Received[] = [];
  let count = 0;
  const server = new SMTPServer({
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
      }
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('reject@')) {
        callback(Object.assign(new Error('5.1.1 Mailbox does not exist'), { responseCode: 550 }));
      } else if (address.address.startsWith('busy@')) {
        callback(Object.assign(new Error('4.2.1 Mailbox busy, try later'), { responseCode: 451 }));
      } else callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        count++;
        if (opts.parse === false) return callback();
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            received.push({ raw, parsed });
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  // A client that goes away mid-session (a killed process) is an ECONNRESET 'error' event: not a test failure.
  server.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') throw e;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    count: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
