import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import {
  DEFAULT_INGEST_LIMITS,
  MESSAGE_TYPES,
  parseBatch,
  parseMessage,
  type MessageType,
} from '@omnicx/core';
import { newId, type Engine } from '@omnicx/engine';
import { requireKey } from '../auth';
import { sendError, statusFor } from '../errors';
import type { ServerMetrics } from '../metrics';
import { ErrorBody, INGEST_SECURITY, MessageBodies, Success } from '../schemas';

/** Options for the ingestion routes. */
export interface IngestRoutesOptions {
  engine: Engine;
  metrics: ServerMetrics;
}

/**
 * The Segment-compatible tracking API (ARCHITECTURE step 1): `/v1/{identify,track,page,screen,group,alias,batch}`.
 * Answers 200 only after the events are committed to the event log.
 */
export async function ingestRoutes(app: FastifyInstance, opts: IngestRoutesOptions): Promise<void> {
  const { engine, metrics } = opts;
  const limits = DEFAULT_INGEST_LIMITS;

  // Segment clients send JSON with any content type (analytics.js beacons use text/plain), sometimes gzipped.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      const err = e as Error & { statusCode?: number; code?: string };
      err.statusCode = 400;
      err.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(err, undefined);
    }
  });
  app.addHook('preParsing', async (req, _reply, payload) => {
    const enc = req.headers['content-encoding']?.toLowerCase();
    if (!enc || enc === 'identity') return payload;
    if (enc !== 'gzip' && enc !== 'deflate') {
      throw Object.assign(
        new Error(`Content-Encoding ${enc} is not supported: send gzip, deflate or plain JSON`),
        {
          statusCode: 415,
          code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        },
      );
    }
    // Fastify checks Content-Length against receivedEncodedLength, and the body limit against the
    // decompressed bytes, so a small gzip bomb still stops at the limit.
    const inflated = Object.assign(enc === 'gzip' ? createGunzip() : createInflate(), {
      receivedEncodedLength: 0,
    });
    payload.on('data', (chunk: Buffer) => (inflated.receivedEncodedLength += chunk.length));
    payload.on('error', (e) => inflated.destroy(e));
    inflated.on('error', (e: Error & { statusCode?: number; code?: string }) => {
      e.statusCode = 400;
      e.code = 'OMNICX_BAD_ENCODING';
      e.message = `the body is not valid ${enc} data (${e.message}): compress the JSON body or drop the Content-Encoding header`;
    });
    return payload.pipe(inflated);
  });

  const auth = requireKey({ keys: engine.keys, kinds: ['write', 'secret'], allowBodyKey: true });
  const routes: (MessageType | 'batch')[] = [...MESSAGE_TYPES, 'batch'];
  for (const route of routes) {
    app.post(
      `/v1/${route}`,
      {
        preHandler: auth,
        bodyLimit: limits.maxBatchBytes,
        config: { bodyLimitText: `${limits.maxBatchBytes / 1024} KB` },
        // The body schema documents the API; core validates it with messages that name the field.
        validatorCompiler: () => () => true,
        schema: {
          tags: ['ingestion'],
          summary: route === 'batch' ? 'Send many messages in one request' : `Segment ${route}`,
          security: INGEST_SECURITY,
          body: MessageBodies[route],
          response: { 200: Success, '4xx': ErrorBody },
        },
      },
      async (req, reply) => {
        const receivedAt = engine.clock.now();
        const newMessageId = () => newId('msg');
        const parsed =
          route === 'batch'
            ? parseBatch(req.body, { receivedAt, newMessageId, limits })
            : parseMessage(req.body, { type: route, receivedAt, newMessageId, limits, path: '' });
        if (!parsed.ok) {
          metrics.rejected.inc({ code: parsed.error.code });
          return sendError(reply, statusFor(parsed.error.code), parsed.error);
        }
        const events = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
        await engine.ingest.append(req.principal!.workspaceId, events);
        return { success: true as const };
      },
    );
  }
}
