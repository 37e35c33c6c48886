import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '@omnicx/store';
import type { Clock } from './ports';

/**
 * What a token in a message link says: the workspace, the delivery (outbox effect id), the profile, the
 * channel and group, and for click links the destination. The token is `<payload>.<signature>`, the payload
 * base64url JSON and the signature HMAC-SHA256 with the workspace's messaging secret (truncated to 128 bits).
 * It proves the link came from a message we sent, so an unsubscribe needs no login and a click redirect only
 * goes where our own message pointed: never an open redirect.
 */
export interface MessageToken {
  /** u: unsubscribe / preferences, o: open pixel, c: click. */
  k: 'u' | 'o' | 'c';
  w: string;
  p: string;
  c: string;
  g: string;
  d: string | null;
  /** Click destination. */
  url?: string;
}

const PURPOSE = 'messaging';

/** Signs and verifies message link tokens with each workspace's secret (created on first use). */
export class MessageTokens {
  readonly #secrets = new Map<string, Buffer>();
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async #secret(workspaceId: string): Promise<Buffer> {
    let s = this.#secrets.get(workspaceId);
    if (!s) {
      const text = await this.store.messaging.secret(
        workspaceId,
        PURPOSE,
        randomBytes(32).toString('base64url'),
        this.clock.now(),
      );
      s = Buffer.from(text, 'base64url');
      this.#secrets.set(workspaceId, s);
    }
    return s;
  }

  async sign(t: MessageToken): Promise<string> {
    const payload = Buffer.from(JSON.stringify(t)).toString('base64url');
    const mac = createHmac('sha256', await this.#secret(t.w))
      .update(payload)
      .digest()
      .subarray(0, 16);
    return `${payload}.${mac.toString('base64url')}`;
  }

  /** The token's content when its signature is ours; undefined for anything else (no detail given out). */
  async verify(token: string, kind: MessageToken['k']): Promise<MessageToken | undefined> {
    if (token.length > 4000) return undefined;
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const payload = token.slice(0, dot);
    let t: MessageToken;
    try {
      t = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as MessageToken;
    } catch {
      return undefined;
    }
    if (!t || typeof t !== 'object' || t.k !== kind || typeof t.w !== 'string' || typeof t.p !== 'string')
      return undefined;
    const ws = await this.store.workspaces.get(t.w);
    if (!ws) return undefined;
    const expected = createHmac('sha256', await this.#secret(t.w))
      .update(payload)
      .digest()
      .subarray(0, 16);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return t;
  }
}
