/** Prometheus metrics of the MUD manager: devices by enforcement state, rules, violations, fetch failures, apply latency. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { IntentManagerMetrics } from '../../../intent/manager/types.ts';

export function intentMetrics(registry: Registry): IntentManagerMetrics {
  const devices = new Map<string, { state: string; rules: number }>();
  new Gauge({
    name: 'iotopia_intent_devices',
    help: 'Intent devices this replica programmed, by enforcement state (enforced, default-deny, quarantined, …)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const d of devices.values()) this.inc({ state: d.state });
    },
  });
  new Gauge({
    name: 'iotopia_intent_rules',
    help: 'nftables rules of the devices this replica programmed',
    registers: [registry],
    collect() {
      let n = 0;
      for (const d of devices.values()) n += d.rules;
      this.set(n);
    },
  });
  const violations = new Counter({
    name: 'iotopia_intent_violations_total',
    help: 'Violations reported (flows counted)',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'iotopia_intent_fetch_failures_total',
    help: 'MUD file fetches that failed, by IoTopia error code',
    labelNames: ['code'],
    registers: [registry],
  });
  const apply = new Histogram({
    name: 'iotopia_intent_apply_duration_seconds',
    help: 'Time of one nftables transaction (nft -f)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    state(mac, state, rules) {
      if (state === 'removed') devices.delete(mac);
      else devices.set(mac, { state, rules });
    },
    applied: (s) => apply.observe(s),
    fetchFailed: (code) => failures.inc({ code }),
    violations: (n) => violations.inc(n),
  };
}
