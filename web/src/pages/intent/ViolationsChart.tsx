/**
 * Violating flows per hour over the last day: flows first seen in each hour and flows last seen
 * in it, as a bar chart with a caption and the same numbers as a table for those who do not see it.
 */
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { IntentStats } from './types.ts';

const hourLabel = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export function ViolationsChart({ stats }: { stats: IntentStats }) {
  const data = stats.hours.map((h) => ({ hour: hourLabel(h.hour), at: h.hour, 'first seen': h.firstSeen, 'last seen': h.lastSeen }));
  const newFlows = stats.hours.reduce((n, h) => n + h.firstSeen, 0);
  const busiest = stats.hours.reduce(
    (best, h) => (h.lastSeen > (best?.lastSeen ?? 0) ? h : best),
    undefined as IntentStats['hours'][number] | undefined,
  );
  const summary =
    `${newFlows} violating flows first seen in the last ${stats.hours.length} hours` +
    (busiest === undefined
      ? '; none seen.'
      : `; the most flows were last seen in the hour from ${hourLabel(busiest.hour)} (${busiest.lastSeen}).`);
  const active = stats.hours.filter((h) => h.firstSeen > 0 || h.lastSeen > 0);
  return (
    <section aria-labelledby="intent-chart-title">
      <h2 id="intent-chart-title">Violations over time</h2>
      <figure className="intent-chart">
        <div role="img" aria-label={`Bar chart: ${summary}`}>
          <BarChart responsive style={{ width: '100%', height: 240 }} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="hour" interval="preserveStartEnd" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar dataKey="first seen" fill="#b3261e" />
            <Bar dataKey="last seen" fill="#1f5f99" />
          </BarChart>
        </div>
        <figcaption data-testid="intent-chart-summary">{summary}</figcaption>
      </figure>
      {active.length > 0 && (
        <details>
          <summary>The hours with violations, as a table</summary>
          <table className="data">
            <caption className="visually-hidden">Violating flows per hour</caption>
            <thead>
              <tr>
                <th scope="col">Hour from</th>
                <th scope="col">Flows first seen</th>
                <th scope="col">Flows last seen</th>
              </tr>
            </thead>
            <tbody>
              {active.map((h) => (
                <tr key={h.hour}>
                  <th scope="row">
                    <time dateTime={h.hour}>{hourLabel(h.hour)}</time>
                  </th>
                  <td>{h.firstSeen}</td>
                  <td>{h.lastSeen}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
