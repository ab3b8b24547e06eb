/** The owner's TO0 registrations and this rendezvous' registrations, as counts. */
import type { OnboardingStats } from './stats.ts';

function Card({ label, value, tone }: { label: string; value: number; tone?: 'bad' | 'warn' }) {
  return (
    <div className={`card${value > 0 && tone !== undefined ? ` ${tone}` : ''}`}>
      <div className="value">{value}</div>
      <div className="label">{label}</div>
    </div>
  );
}

export function To0Health({ to0 }: { to0: OnboardingStats['to0'] }) {
  return (
    <section aria-labelledby="to0-title">
      <h2 id="to0-title">TO0 registrations</h2>
      <p className="muted">Vouchers still waiting for their device (imported or registered) and their registration at the rendezvous.</p>
      <div className="cards">
        <Card label="tracked" value={to0.tracked} />
        <Card label="due for refresh" value={to0.due} tone="warn" />
        <Card label="failing" value={to0.failing} tone="bad" />
        <Card label={`expiring within ${to0.soonHours} h`} value={to0.expiringSoon} tone="warn" />
        <Card label="expired" value={to0.expired} tone="bad" />
      </div>
    </section>
  );
}

export function RendezvousHealth({ rendezvous }: { rendezvous: OnboardingStats['rendezvous'] }) {
  return (
    <div className="cards">
      <Card label="registrations held" value={rendezvous.registrations} />
      <Card label="expired, not yet swept" value={rendezvous.expired} tone="warn" />
    </div>
  );
}
