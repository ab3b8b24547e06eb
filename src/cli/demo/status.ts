/** The demo's state as GET /api/v1/demo shows it: the phase, the step under way, and counts that the seeding and the running fleet move. */
import type { DemoStatusSource, DemoView } from '../../server/platform/platform.ts';

export interface DemoStatus extends DemoStatusSource {
  step(text: string): void;
  add(name: string, n?: number): void;
  set(name: string, n: number): void;
  ready(at: Date): void;
}

export function demoStatus(intentMode: DemoView['intentMode']): DemoStatus {
  const counts: Record<string, number> = {};
  let phase: DemoView['phase'] = 'seeding';
  let step: string | undefined;
  let seededAt: string | undefined;
  return {
    view: () => ({
      demo: true,
      intentMode,
      phase,
      ...(step === undefined ? {} : { step }),
      ...(seededAt === undefined ? {} : { seededAt }),
      counts: { ...counts },
    }),
    step(text) {
      step = text;
    },
    add(name, n = 1) {
      counts[name] = (counts[name] ?? 0) + n;
    },
    set(name, n) {
      counts[name] = n;
    },
    ready(at) {
      phase = 'ready';
      step = undefined;
      seededAt = at.toISOString();
    },
  };
}
