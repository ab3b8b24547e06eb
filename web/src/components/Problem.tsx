/** A failed request shown in place of its content: never a blank page. */
import { ApiError } from '../api/problem.ts';

export function Problem({ error, what }: { error: unknown; what: string }) {
  const detail = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="problem" role="alert">
      <p>
        <strong>Could not load {what}.</strong> {detail}
      </p>
      {code !== undefined && <p className="code">{code}</p>}
    </div>
  );
}
