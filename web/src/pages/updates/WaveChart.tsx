/**
 * A campaign's progress per wave: succeeded, failed and pending devices as stacked bars, and the
 * same numbers in a table (the chart's textual summary). The server sums the action states up
 * (`progress[].summary`); the chart only draws them. Each series has its own pattern of label,
 * legend and table column, so colour is not the only meaning.
 */
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { type WaveProgress, waveLabel } from './types.ts';

const SERIES = [
  { key: 'succeeded', label: 'Succeeded', colour: '#1e7b3a' },
  { key: 'failed', label: 'Failed', colour: '#b3261e' },
  { key: 'pending', label: 'Pending', colour: '#6b7785' },
] as const;

/** Legend and tooltip list the series in their order (succeeded, failed, pending), not by name. */
const inSeriesOrder = (item: { dataKey?: unknown }): number => SERIES.findIndex((s) => s.key === item.dataKey);

/** Legend labels in the page's text colour: the swatch beside each carries the series' colour. */
const legendLabel = (value: string) => <span className="legend-label">{value}</span>;

/** Tooltip text in the page's own colour: the series' colours are too light for text. */
const TOOLTIP_TEXT = { color: '#1b1f24' };

function summaryText(progress: readonly WaveProgress[]): string {
  return progress
    .map((p) => `${waveLabel(p.wave)}: ${p.summary.succeeded} succeeded, ${p.summary.failed} failed, ${p.summary.pending} pending`)
    .join('; ');
}

export function WaveChart({ progress, currentWave }: { progress: readonly WaveProgress[]; currentWave: number }) {
  if (progress.length === 0) return <p className="empty">No devices in any wave yet: the campaign has not started.</p>;
  const data = progress.map((p) => ({ name: waveLabel(p.wave), ...p.summary }));
  return (
    <figure className="wave-chart">
      <figcaption id="wave-chart-caption">Devices per wave: {summaryText(progress)}.</figcaption>
      <div role="img" aria-labelledby="wave-chart-caption">
        <BarChart responsive data={data} style={{ width: '100%', height: 240 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" />
          <YAxis allowDecimals={false} />
          <Tooltip itemStyle={TOOLTIP_TEXT} labelStyle={TOOLTIP_TEXT} itemSorter={inSeriesOrder} />
          <Legend itemSorter={inSeriesOrder} formatter={legendLabel} />
          {SERIES.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="devices" fill={s.colour} isAnimationActive={false} />
          ))}
        </BarChart>
      </div>
      <table className="data" aria-label="Devices per wave">
        <thead>
          <tr>
            <th scope="col">Wave</th>
            {SERIES.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
            <th scope="col">Cancelled</th>
          </tr>
        </thead>
        <tbody>
          {progress.map((p) => (
            <tr key={p.wave}>
              <th scope="row">
                {waveLabel(p.wave)}
                {p.wave === currentWave && <span className="muted"> (current)</span>}
              </th>
              <td>{p.summary.succeeded}</td>
              <td>{p.summary.failed}</td>
              <td>{p.summary.pending}</td>
              <td>{p.summary.cancelled}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
