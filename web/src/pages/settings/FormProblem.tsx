/** A refusal shown beside the form that sent it: the server's detail, the field it names, its code. */
import { ApiError } from '../../api/problem.ts';

export function FormProblem({ error, id }: { error: unknown; id: string }) {
  if (error === undefined || error === null) return null;
  const problem = error instanceof ApiError ? error.problem : undefined;
  const detail = problem?.detail ?? (error instanceof Error ? error.message : String(error));
  return (
    <div id={id} className="problem" role="alert">
      <p>
        <strong>Refused.</strong> {detail}
      </p>
      {problem?.field !== undefined && (
        <p>
          Field: <code>{problem.field}</code>
        </p>
      )}
      {problem?.code !== undefined && <p className="code">{problem.code}</p>}
    </div>
  );
}
