// The synthetic traffic every part of the benchmark uses: Segment track/identify/page messages for a pool
// of users, ~300–600 bytes of JSON each. Deterministic for a seed, so the baseline inserts the same rows the
// server stores.
import { randomUUID } from 'node:crypto';

/** Knobs of the generated traffic. */
export interface WorkloadOptions {
  /** Distinct users (userIds); default 20,000. */
  users: number;
  /** Seed of the pseudo-random choices (not of the messageIds, which are random UUIDs). */
  seed: number;
  /** Share of messages with only an anonymousId (each such visitor is merged into its user later); default 0.05. */
  anonShare?: number;
}

const PRODUCTS = [
  ['Espresso Machine Pro', 'kitchen'],
  ['Trail Running Shoes', 'sports'],
  ['Noise Cancelling Headphones', 'electronics'],
  ['Organic Green Tea 500g', 'grocery'],
  ['Wool Winter Coat', 'fashion'],
  ['Smart Watch Series 5', 'electronics'],
  ['Cast Iron Skillet', 'kitchen'],
  ['Yoga Mat Premium', 'sports'],
] as const;
const PAGES = [
  '/',
  '/products',
  '/product/espresso-machine-pro',
  '/cart',
  '/checkout',
  '/account',
  '/blog/winter-sale',
];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36',
];

/** Mulberry32: a small, fast, seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generates Segment messages: 80% track, 10% page, 10% identify (userId, anonymousId, email traits). Of all
 * messages, `anonShare` (5%) are tracks with only an anonymousId, up to 20% in all carry both ids, and the
 * rest only a userId.
 */
export class Workload {
  readonly #rand: () => number;
  readonly #users: number;
  readonly #anon: number;

  constructor(opts: WorkloadOptions) {
    this.#rand = prng(opts.seed);
    this.#users = opts.users;
    this.#anon = opts.anonShare ?? 0.05;
  }

  #pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.#rand() * list.length)]!;
  }

  /** One message, as a client would send it in a /v1/batch array. */
  message(): Record<string, unknown> {
    const r = this.#rand();
    const u = Math.floor(this.#rand() * this.#users);
    const timestamp = new Date(Date.now() - Math.floor(this.#rand() * 5000)).toISOString();
    const path = this.#pick(PAGES);
    const context = {
      library: { name: 'analytics.js', version: '5.2.0' },
      page: { url: `https://shop.example.com${path}`, path },
      userAgent: this.#pick(AGENTS),
      ip: `10.${u % 256}.${(u >> 8) % 256}.${Math.floor(this.#rand() * 256)}`,
    };
    const ids =
      r < this.#anon
        ? { anonymousId: `anon-${u}` }
        : r < 0.2
          ? { userId: `user-${u}`, anonymousId: `anon-${u}` }
          : { userId: `user-${u}` };
    if (r >= 0.9) {
      return {
        type: 'identify',
        messageId: randomUUID(),
        userId: `user-${u}`,
        anonymousId: `anon-${u}`,
        traits: {
          email: `customer${u}@example.com`,
          name: `Customer ${u}`,
          plan: u % 5 === 0 ? 'premium' : 'basic',
          city: this.#pick(['Tehran', 'Shiraz', 'Isfahan', 'Tabriz', 'Mashhad']),
          createdAt: '2025-03-14T09:26:53Z',
        },
        context,
        timestamp,
      };
    }
    if (r >= 0.8) {
      return {
        type: 'page',
        messageId: randomUUID(),
        ...ids,
        name: path,
        properties: { title: 'Shop', path },
        context,
        timestamp,
      };
    }
    const [product, category] = this.#pick(PRODUCTS);
    return {
      type: 'track',
      messageId: randomUUID(),
      ...ids,
      event: this.#pick(['Product Viewed', 'Product Added', 'Order Completed', 'Checkout Started']),
      properties: {
        product_id: `sku-${Math.floor(this.#rand() * 5000)}`,
        name: product,
        category,
        price: Math.round(this.#rand() * 500000) / 100,
        currency: 'IRR',
        quantity: 1 + Math.floor(this.#rand() * 3),
      },
      context,
      timestamp,
    };
  }

  /** `count` messages in batches of `size`, each serialized as a /v1/batch body. */
  bodies(count: number, size: number): { body: string; events: number }[] {
    const out: { body: string; events: number }[] = [];
    for (let done = 0; done < count;) {
      const n = Math.min(size, count - done);
      const batch = Array.from({ length: n }, () => this.message());
      out.push({ body: JSON.stringify({ batch }), events: n });
      done += n;
    }
    return out;
  }
}
