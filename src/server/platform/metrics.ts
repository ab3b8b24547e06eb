/** Prometheus metrics of the server (served as text at /metrics). */
import { Counter, Histogram, Registry } from 'prom-client';
import type { FdoMessageEvent } from '../fdo/fdo-transport.ts';

export interface PlatformMetrics {
  registry: Registry;
  observe(event: FdoMessageEvent): void;
}

const TO2_FIRST = 60;
const TO2_LAST = 71;
const DONE2 = 71;
const ERROR = 255;
/** Starts refused by a limit (ADR 0016), by IoTopia's code: counted apart, they are load, not faults. */
const REFUSED: Readonly<Record<string, string>> = { ERR_FDO_HTTP_RATE_LIMITED: 'rate_limit', ERR_FDO_HTTP_SESSION_CAP: 'session_cap' };

/** The server's metrics; `labels` (a worker's id) go on every one. */
export function createMetrics(labels?: Record<string, string>): PlatformMetrics {
  const registry = new Registry();
  if (labels !== undefined) registry.setDefaultLabels(labels);
  const onboardings = new Counter({
    name: 'iotopia_fdo_onboardings_total',
    help: 'TO2 sessions ended, by result (success: TO2.Done2 sent; failure: an error message sent in TO2)',
    labelNames: ['result'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'iotopia_fdo_protocol_errors_total',
    help: 'FDO error messages sent, by spec error code (starts refused by a limit count in iotopia_fdo_refused_starts_total)',
    labelNames: ['code'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'iotopia_fdo_refused_starts_total',
    help: 'FDO start messages refused by a rate limit or the open-session cap, by message type and reason',
    labelNames: ['msg_type', 'reason'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'iotopia_fdo_request_duration_seconds',
    help: 'Time to answer one FDO message, by request message type',
    labelNames: ['msg_type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    observe(e) {
      latency.observe({ msg_type: String(e.msgType) }, e.durationMs / 1000);
      const reason = e.code === undefined ? undefined : REFUSED[e.code];
      if (reason !== undefined) {
        // No session was opened, so no onboarding failed.
        refused.inc({ msg_type: String(e.msgType), reason });
      } else if (e.replyType === ERROR) {
        errors.inc({ code: String(e.fdoCode ?? 'unknown') });
        if (e.msgType >= TO2_FIRST && e.msgType <= TO2_LAST) onboardings.inc({ result: 'failure' });
      } else if (e.replyType === DONE2) {
        onboardings.inc({ result: 'success' });
      }
    },
  };
}
