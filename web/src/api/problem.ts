/**
 * A refusal from the management API: its RFC 9457 problem details (`code`, `detail`, `field`), or
 * a network failure, which has no status.
 */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  field?: string;
  reason?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDetails;
  constructor(status: number, problem: ProblemDetails) {
    super(problem.detail ?? problem.title ?? `the server answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
}

/** The token is no longer accepted (unknown, revoked or expired): the console goes back to log-in. */
export const isAuthFailure = (e: unknown): e is ApiError => e instanceof ApiError && e.status === 401;

/** What the log-in page says when a token stops working. */
export function loginMessage(e: ApiError): string {
  switch (e.code) {
    case 'ERR_API_TOKEN_EXPIRED':
      return 'Your API token has expired. Log in with a new one.';
    case 'ERR_API_TOKEN_REVOKED':
      return 'Your API token was revoked. Log in with a new one.';
    case 'ERR_API_TOKEN_UNKNOWN':
      return 'This server does not know that API token.';
    default:
      return e.message;
  }
}
