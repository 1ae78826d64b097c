/** Typed errors, each mapped to one status code. Messages are safe to show a client. */
export class HttpError extends Error {
  /** `options.cause`: what went wrong underneath (logged, never shown to the client), as Powertools' errors take it. */
  constructor(
    public readonly status: number,
    message: string,
    public readonly headers: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
export class BadRequest extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}
export class Unauthorized extends HttpError {
  constructor(message = "not authenticated") {
    super(401, message);
  }
}
/**
 * A request with more than one credential header (two `Authorization`, say): which one a gateway
 * verified is not documented, so the handler trusts neither. A 401 that the handler logs.
 */
export class AmbiguousCredentials extends Unauthorized {
  constructor(public readonly header: string) {
    super(`more than one ${header} header`);
  }
}
export class Forbidden extends HttpError {
  constructor(message = "forbidden") {
    super(403, message);
  }
}
export class NotFound extends HttpError {
  constructor(message = "not found") {
    super(404, message);
  }
}
export class MethodNotAllowed extends HttpError {
  constructor(allowed: string[]) {
    super(405, "method not allowed", { Allow: allowed.join(", ") });
  }
}
/** The request conflicts with the resource's current state (e.g. a note already at its attachment cap). */
export class Conflict extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}
/** An If-Match that no longer matches: someone changed the note since the client read it. */
export class PreconditionFailed extends HttpError {
  constructor(message = "the note has changed since it was read (If-Match does not match its ETag)") {
    super(412, message);
  }
}
export class PayloadTooLarge extends HttpError {
  constructor(message: string) {
    super(413, message);
  }
}
export class UnsupportedMediaType extends HttpError {
  constructor() {
    super(415, "content-type must be application/json");
  }
}

/** Storage did not answer in time (or kept failing): nothing was changed that the client was not told of; try again. */
export class ServiceUnavailable extends HttpError {
  constructor(message = "storage is not answering; try again", retryAfterSeconds = 1, options?: ErrorOptions) {
    super(503, message, { "Retry-After": String(retryAfterSeconds) }, options);
  }
}

/** A response for any thrown value: typed errors keep their status; anything else is a bare 500. */
export function errorResponse(err: unknown): {
  status: number;
  body: { message: string };
  headers: Record<string, string>;
} {
  if (err instanceof HttpError) return { status: err.status, body: { message: err.message }, headers: err.headers };
  return { status: 500, body: { message: "internal error" }, headers: {} };
}
