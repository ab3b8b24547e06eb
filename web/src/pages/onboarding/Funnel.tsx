/** The devices' funnel from manufacture to first contact: a bar chart, and the same figures as a table. */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { OnboardingStats } from './stats.ts';

const LABEL: Record<string, string> = { manufactured: 'Manufactured', sold: 'Sold', onboarded: 'Onboarded', active: 'Active' };

/** "Of 3 manufactured, 3 sold (100 %), …": what the chart shows, in words. */
export function funnelSummary(funnel: OnboardingStats['funnel']): string {
  const first = funnel[0]?.count ?? 0;
  const share = (n: number) => (first === 0 ? '' : ` (${Math.round((n / first) * 100)} %)`);
  return funnel.map((f, i) => (i === 0 ? `${f.count} ${f.stage}` : `${f.count} ${f.stage}${share(f.count)}`)).join(', ');
}

export function Funnel({ funnel }: { funnel: OnboardingStats['funnel'] }) {
  const data = funnel.map((f) => ({ name: LABEL[f.stage] ?? f.stage, count: f.count }));
  const summary = funnelSummary(funnel);
  return (
    <section aria-labelledby="funnel-title">
      <h2 id="funnel-title">Onboarding funnel</h2>
      <figure className="onb-figure">
        <div className="chart" role="img" aria-label={`Onboarding funnel: ${summary}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} accessibilityLayer={false} margin={{ top: 24, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="name" />
              <YAxis allowDecimals={false} />
              <Bar dataKey="count" fill="#0b5cad" isAnimationActive={false} label={{ position: 'top' }} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <figcaption>Devices that reached each stage at least once: {summary}.</figcaption>
      </figure>
      <table className="data onb-narrow">
        <caption className="visually-hidden">Onboarding funnel</caption>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Devices</th>
          </tr>
        </thead>
        <tbody>
          {funnel.map((f) => (
            <tr key={f.stage} data-stage={f.stage}>
              <th scope="row">{LABEL[f.stage] ?? f.stage}</th>
              <td>{f.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
