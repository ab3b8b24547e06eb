/**
 * Runs a new assessment of the product for a market, after confirmation. Offered to the roles that
 * may assess (manufacturer, owner); the market is checked before sending and a refusal shows the
 * server's detail and field.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../../api/client.ts';
import { allows } from '../../api/me.ts';
import { ApiError } from '../../api/problem.ts';
import { useSession } from '../../auth/session.tsx';
import { Confirm } from '../../components/Confirm.tsx';
import { type Assessment, MARKETS } from './types.ts';

const refusal = (e: unknown): Error =>
  e instanceof ApiError && e.problem.field !== undefined ? new Error(`${e.message} (${e.problem.field})`) : (e as Error);

export function RunAssessment({ model }: { model: string }) {
  const { me } = useSession();
  const client = useQueryClient();
  const [market, setMarket] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [made, setMade] = useState<Assessment | undefined>(undefined);
  if (!allows(me, ['manufacturer', 'owner'])) return null;

  function ask(event: FormEvent) {
    event.preventDefault();
    if (!MARKETS.some((m) => m.id === market)) {
      setError('Choose a market to assess for.');
      return;
    }
    setError(undefined);
    setConfirming(true);
  }

  async function run() {
    try {
      const a = await api<Assessment>('/assessments', { method: 'POST', body: { product: model, market } });
      setMade(a);
      await client.invalidateQueries({ queryKey: ['/assessments'] });
      await client.invalidateQueries({ queryKey: ['/assessments/latest'] });
    } catch (e) {
      throw refusal(e);
    }
  }

  const label = MARKETS.find((m) => m.id === market)?.label ?? market;
  return (
    <>
      <form className="filters" onSubmit={ask} noValidate aria-label="Run an assessment">
        <label htmlFor="assess-market">Market</label>
        <select
          id="assess-market"
          value={market}
          aria-invalid={error !== undefined}
          aria-describedby={error === undefined ? undefined : 'assess-error'}
          onChange={(e) => setMarket(e.target.value)}
        >
          <option value="">choose…</option>
          {MARKETS.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label} ({m.id})
            </option>
          ))}
        </select>
        <button type="submit">Run assessment</button>
        {error !== undefined && (
          <span id="assess-error" className="error" role="alert">
            {error}
          </span>
        )}
        {made !== undefined && (
          <span role="status">
            Assessed for {made.market}: <Link href={`/compliance/assessments/${made.id}`}>open the assessment</Link>
          </span>
        )}
      </form>
      <Confirm
        open={confirming}
        title="Run an assessment"
        message={`Assess ${model} against the catalogs of ${label} now? The assessment is kept and audited.`}
        confirmLabel="Assess"
        onConfirm={run}
        onClose={() => setConfirming(false)}
      />
    </>
  );
}
