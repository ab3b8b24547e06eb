/** Devices per enforcement state, as cards whose words carry the meaning. */
import { ENFORCEMENT_STATES, type EnforcementState, type IntentStats } from './types.ts';

const LABEL: Record<EnforcementState, string> = {
  enforced: 'Enforced',
  'default-deny': 'Default deny',
  allowed: 'Allowed (no MUD file)',
  pending: 'Pending',
  quarantined: 'Quarantined',
  failed: 'Failed',
  removed: 'Removed',
};

export function StateCounts({ stats }: { stats: IntentStats }) {
  return (
    <section aria-labelledby="intent-states-title">
      <h2 id="intent-states-title">Devices by enforcement state</h2>
      <p>
        <span data-testid="intent-total">{stats.total}</span> devices under intent (removed devices not counted).
      </p>
      <ul className="cards" aria-label="Devices per state">
        {ENFORCEMENT_STATES.map((s) => (
          <li key={s} className={`card state-${s}`} data-state={s}>
            <div className="value">{stats.devices[s]}</div>
            <div className="label">{LABEL[s]}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
