/**
 * The API's error catalogue: every error a client can get, with a stable code, an HTTP status and
 * the DRF-shaped body BugBug clients parse (`{"detail": ...}` or `{"field": ["message"]}`).
 */
export const API_ERRORS = {
  NOT_AUTHENTICATED: { status: 401, detail: 'Authentication credentials were missing or invalid.' },
  NOT_FOUND: { status: 404, detail: 'Not found.' },
  INVALID_PAGE: { status: 404, detail: 'Invalid page.' },
  LOGS_NOT_FOUND: { status: 404, detail: 'Logs not found or expired' },
  ARTIFACT_NOT_FOUND: { status: 404, detail: 'Artifact not found' },
  MALFORMED_JSON: { status: 400, detail: 'JSON parse error - {reason}' },
  BODY_TOO_DEEP: { status: 400, detail: 'JSON parse error - the body nests arrays and objects more than {max} levels deep (the limit)' },
  VALIDATION_FAILED: { status: 400, detail: 'Request body failed validation.' },
  IMPORT_INVALID: { status: 400, detail: 'The YAML documents are invalid; nothing was imported.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, detail: 'Unsupported media type "{type}" in request.' },
  REQUEST_TIMEOUT: { status: 408, detail: 'The request body did not arrive in time.' },
  PAYLOAD_TOO_LARGE: { status: 413, detail: 'Request body is too large.' },
  THROTTLED: { status: 429, detail: 'Request was throttled. Expected available in {wait} seconds.' },
  INTERNAL_ERROR: { status: 500, detail: 'A server error occurred.' },
  SERVICE_UNAVAILABLE: { status: 503, detail: 'The {service} cannot be reached; retry in a few seconds.' },
} as const satisfies Record<string, { status: number; detail: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** DRF field errors: `{"testId": ["This field is required."]}`. */
export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;

  constructor(
    readonly code: ApiErrorCode,
    params: Record<string, string> = {},
    extra: Record<string, unknown> = {},
    /** Response headers that belong to the error, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    const entry = API_ERRORS[code];
    const detail = entry.detail.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? '');
    super(detail);
    this.status = entry.status;
    this.body = { detail, ...extra };
  }
}

/** A 400 whose body is the field errors themselves, as DRF serializers answer. */
export class ValidationError extends Error {
  readonly status = 400;
  constructor(readonly body: FieldErrors) {
    super(API_ERRORS.VALIDATION_FAILED.detail);
  }
}
