import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { DomainError, Result } from '@omnicx/core';

/**
 * The one error shape of every API: `{"error":{"code","message"[,"field"][,"details"]}}`. `details` carries
 * structured extras when the domain gives them, e.g. every rule error (each naming its node) of a refused
 * segment, so a rule builder can mark all offending nodes at once.
 */
export function sendError(
  reply: FastifyReply,
  status: number,
  error: DomainError & { details?: unknown },
): FastifyReply {
  const { code, message, field, details } = error;
  return reply.code(status).send({
    error: { code, message, ...(field ? { field } : {}), ...(details !== undefined ? { details } : {}) },
  });
}

/**
 * HTTP status for a domain error code. Invalid input, including rules refused by core's validator
 * (invalid_rule, unknown_operator, unknown_condition, unknown_field, unknown_unit, invalid_value,
 * unknown_reference, segment_cycle, rule_too_large, duplicate_id…), is 400 like every other validation error;
 * a request that is valid but conflicts with the current state (a segment a persona or rule still uses, list
 * edits on a dynamic segment) is 409.
 */
export function statusFor(code: string): number {
  switch (code) {
    case 'not_found':
      return 404;
    case 'conflict':
    case 'in_use':
    case 'not_a_list':
    case 'invalid_state':
    case 'archived':
    case 'no_manual_trigger':
      return 409;
    case 'already_responded':
      return 409;
    case 'invalid_link':
      return 404;
    case 'link_expired':
    case 'survey_closed':
      return 410;
    case 'event_too_large':
    case 'batch_too_large':
      return 413;
    default:
      return 400;
  }
}

/**
 * Answers a service Result: the value through `view` with `status`, or the error with the status its code
 * maps to (details, such as every rule or process validation error, included).
 */
export const replyWith =
  <T, V>(view: (v: T) => V, status = 200) =>
  (r: Result<T>, res: FastifyReply): FastifyReply =>
    r.ok
      ? res.code(status).send(view(r.value))
      : sendError(res, statusFor(r.error.code), r.error as DomainError & { details?: unknown });

/** Maps framework errors (body too large, bad JSON, schema validation) to the API's error shape. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((e: FastifyError, req, reply) => {
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 413, {
        code: 'batch_too_large',
        message: `the request body is larger than ${req.routeOptions.config.bodyLimitText ?? 'the limit'}: split the batch into smaller requests`,
      });
    }
    if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e instanceof SyntaxError) {
      return sendError(reply, 400, {
        code: 'invalid_json',
        message: `the request body is not valid JSON: ${e.message}`,
      });
    }
    if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return sendError(reply, 400, {
        code: 'invalid_json',
        message: 'the request body is empty: send a JSON object',
      });
    }
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, 415, { code: 'unsupported_media_type', message: e.message });
    }
    if (
      e.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' ||
      e.code === 'FST_ERR_CTP_INVALID_TYPE' ||
      e.code === 'OMNICX_BAD_ENCODING'
    ) {
      return sendError(reply, 400, { code: 'invalid_body', message: e.message });
    }
    if (e.validation) {
      const v = e.validation[0];
      const where = e.validationContext ?? 'request';
      const path = v?.instancePath
        ? v.instancePath.slice(1).replace(/\//g, '.')
        : ((v?.params as { missingProperty?: string })?.missingProperty ?? '');
      const field = path ? `${where === 'querystring' ? '' : where + '.'}${path}`.replace(/^\./, '') : where;
      return sendError(reply, 400, {
        code: 'invalid_field',
        field,
        message: `${field} ${v?.message ?? 'is invalid'}`,
      });
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return sendError(reply, e.statusCode, { code: 'bad_request', message: e.message });
    }
    // Never echo internals to the client; the log has them.
    req.log.error({ err: e }, 'request failed');
    return sendError(reply, 500, {
      code: 'internal',
      message: 'the server failed to handle the request; it has been logged. Retry later.',
    });
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, {
      code: 'not_found',
      message: `no route ${req.method} ${req.url.split('?')[0]}; the API is described at /api/docs`,
    }),
  );
}

declare module 'fastify' {
  interface FastifyContextConfig {
    bodyLimitText?: string;
  }
}
