/** Every provision of an assessment with its outcome and the evidence it rests on: rule results, their items, manual statements. */
import { StateBadge } from '../../components/StateBadge.tsx';
import type { ProvisionResult, RuleResult } from './types.ts';

export function ProvisionTable({ results }: { results: ProvisionResult[] }) {
  return (
    <>
      <h2>Provisions</h2>
      <table className="data provisions">
        <caption className="visually-hidden">Every provision with its outcome and evidence</caption>
        <thead>
          <tr>
            <th scope="col">Provision</th>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Outcome</th>
            <th scope="col">Evidence</th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr key={`${r.catalog}-${r.provision}`}>
              <th scope="row" className="mono">
                {r.catalog} {r.provision}
              </th>
              <td>
                {r.title}
                {r.section !== '' && <span className="muted"> ({r.section})</span>}
              </td>
              <td className="mono">{r.status}</td>
              <td>
                <StateBadge state={r.outcome} />
              </td>
              <td>
                <Evidence result={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Evidence({ result }: { result: ProvisionResult }) {
  const { rules, manual, condition, remedy } = result;
  if (rules.length === 0 && manual === undefined && condition === undefined && remedy === undefined)
    return <span className="muted">none</span>;
  return (
    <div className="evidence">
      {condition !== undefined && <p>Condition does not hold: {condition.text}</p>}
      {rules.map((rule) => (
        <Rule key={rule.rule} rule={rule} />
      ))}
      {manual !== undefined && (
        <p>
          Manual statement ({manual.outcome}, by {manual.by}): {manual.statement}
        </p>
      )}
      {remedy !== undefined && <p className="remedy">Remedy: {remedy}</p>}
    </div>
  );
}

function Rule({ rule }: { rule: RuleResult }) {
  return (
    <div className="rule">
      <p>
        <span className="mono">{rule.rule}</span> <StateBadge state={rule.outcome} /> {rule.detail}
      </p>
      {rule.evidence.length > 0 && (
        <ul>
          {rule.evidence.map((e) => (
            <li key={`${e.kind}-${e.id}`}>
              {e.kind} <span className="mono">{e.id}</span>: {e.detail}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
