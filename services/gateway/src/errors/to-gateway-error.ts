import { GatewayError } from './gateway-error.js';

/** The fields body-parser / http-errors put on the errors they raise. */
type HttpErrorLike = {
  readonly status?: unknown;
  readonly statusCode?: unknown;
  readonly type?: unknown;
};

function httpStatusOf(err: HttpErrorLike): number | undefined {
  const status = err.status ?? err.statusCode;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

/**
 * Whatever a handler threw, as a GatewayError. Body-parser errors (they carry a `type` such as
 * `entity.too.large`) become 400 / 413 with a plain message; any other 4xx http-error keeps its
 * status as an invalid request; anything else is `internal`, with a fixed message so a stack
 * detail or a connection string never reaches a client.
 */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (typeof err === 'object' && err !== null) {
    const like = err as HttpErrorLike;
    const status = httpStatusOf(like);
    switch (like.type) {
      case 'entity.too.large':
        return new GatewayError('payload_too_large', 'Request body is larger than the limit.', {
          cause: err,
        });
      case 'entity.parse.failed':
        return new GatewayError('invalid_request', 'Request body is not valid JSON.', {
          cause: err,
        });
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new GatewayError('invalid_request', 'Request body encoding is not supported.', {
          cause: err,
          httpStatus: 415,
        });
      case 'request.aborted':
      case 'request.size.invalid':
        return new GatewayError('invalid_request', 'Request body was incomplete.', { cause: err });
      default:
        break;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return new GatewayError('invalid_request', 'Request was rejected as malformed.', {
        cause: err,
        httpStatus: status,
      });
    }
  }
  return new GatewayError('internal', 'Internal error in the gateway.', { cause: err });
}
