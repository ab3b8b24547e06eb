/**
 * Prometheus metrics of update campaigns, read from the database when scraped (so every replica
 * reports the same): campaigns by state, and the actions of running and paused campaigns by
 * campaign, wave and action state.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../../../store/store.ts';

/** The most campaigns whose actions are reported per scrape. */
const MAX_REPORTED = 100;

export function campaignMetrics(registry: Registry, store: Store): void {
  new Gauge({
    name: 'iotopia_campaigns',
    help: 'Update campaigns by state (the first 1 000)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of (await store.campaigns.list({ limit: 1000 })).items) this.inc({ state: c.state });
    },
  });
  new Gauge({
    name: 'iotopia_campaign_actions',
    help: 'Device actions of running and paused campaigns, by campaign, wave (from 1) and action state',
    labelNames: ['campaign', 'wave', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const state of ['running', 'paused'] as const) {
        for (const c of (await store.campaigns.list({ state, limit: MAX_REPORTED })).items)
          for (const w of await store.campaigns.counts(c.id))
            for (const [s, n] of Object.entries(w.counts)) this.set({ campaign: c.id, wave: String(w.wave + 1), state: s }, n ?? 0);
      }
    },
  });
}
