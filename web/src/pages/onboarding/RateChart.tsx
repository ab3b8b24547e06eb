/** TO2s per hour over the chosen window, as a bar chart with its summary in words. */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { OnboardingStats } from './stats.ts';

export const WINDOWS = [6, 24, 72, 168] as const;

const hourLabel = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function rateSummary(series: OnboardingStats['onboardedPerHour']): string {
  const total = series.reduce((n, h) => n + h.count, 0);
  const peak = series.reduce<{ hour: string; count: number } | undefined>(
    (p, h) => (p === undefined || h.count > p.count ? h : p),
    undefined,
  );
  const last = series.at(-1)?.count ?? 0;
  const peakText =
    peak === undefined || peak.count === 0 ? 'no hour with an onboarding' : `busiest hour ${hourLabel(peak.hour)} with ${peak.count}`;
  return `${total} devices onboarded in the last ${series.length} hours; ${peakText}; ${last} in the current hour`;
}

interface Props {
  series: OnboardingStats['onboardedPerHour'];
  hours: number;
  onHours(hours: number): void;
}

export function RateChart({ series, hours, onHours }: Props) {
  const data = series.map((h) => ({ hour: hourLabel(h.hour), count: h.count }));
  const summary = rateSummary(series);
  return (
    <section aria-labelledby="rate-title">
      <h2 id="rate-title">Onboarding rate</h2>
      <div className="filters">
        <label htmlFor="rate-hours">Window</label>
        <select id="rate-hours" value={hours} onChange={(e) => onHours(Number(e.target.value))}>
          {WINDOWS.map((w) => (
            <option key={w} value={w}>
              last {w} hours
            </option>
          ))}
        </select>
      </div>
      <figure className="onb-figure">
        <div className="chart" role="img" aria-label={`Devices onboarded per hour: ${summary}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="hour" minTickGap={24} />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="count" name="onboarded" fill="#114d23" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <figcaption>{summary}.</figcaption>
      </figure>
    </section>
  );
}
