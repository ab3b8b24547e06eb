/** What the fleet table asks the server for: search, filters and order, as `GET /api/v1/devices` takes them. */

export const SORT_KEYS = ['guid', 'state', 'model', 'firmware', 'lastSeen'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Order {
  key: SortKey;
  desc: boolean;
}

export const DEFAULT_ORDER: Order = { key: 'guid', desc: false };

export const sortParam = (o: Order): string => `${o.desc ? '-' : ''}${o.key}`;

/** A click on a column header: that column ascending, or the other way round when it is already the order. */
export const nextOrder = (current: Order, key: SortKey): Order =>
  current.key === key ? { key, desc: !current.desc } : { key, desc: key === 'lastSeen' };

export interface Filters {
  q: string;
  state: string;
  model: string;
  firmware: string;
  intent: string;
}

export const NO_FILTERS: Filters = { q: '', state: '', model: '', firmware: '', intent: '' };

/** The server's bounds for the text fields: checked here before anything is sent. */
export const MAX_SEARCH = 64;
export const MAX_VALUE = 256;

/** What is wrong with the filters, by field, before they go to the server. */
export function filterErrors(f: Filters): Partial<Record<keyof Filters, string>> {
  const out: Partial<Record<keyof Filters, string>> = {};
  if (f.q.trim().length > MAX_SEARCH) out.q = `A search is at most ${MAX_SEARCH} characters.`;
  if (f.model.trim().length > MAX_VALUE) out.model = `A model is at most ${MAX_VALUE} characters.`;
  if (f.firmware.trim().length > MAX_VALUE) out.firmware = `A version is at most ${MAX_VALUE} characters.`;
  return out;
}

export const DEVICE_STATES = [
  'manufactured',
  'sold',
  'owned',
  'registered',
  'onboarded',
  'active',
  'quarantined',
  'suspended',
  'decommissioned',
  'resold',
];

export const INTENT_STATES = ['none', 'pending', 'enforced', 'default-deny', 'allowed', 'quarantined', 'failed', 'removed'];
