/** A product service on an in-memory store with a movable clock, and helpers to make releases and devices. */
import { randomBytes } from 'node:crypto';
import type { ComplianceParsers } from '../../../src/compliance/products/parsers.ts';
import type { ProductInput } from '../../../src/compliance/products/product-types.ts';
import { type ProductService, productService } from '../../../src/compliance/products/service.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { modelVoucher } from '../../helpers/model-voucher.ts';
import { toyParsers } from './toy-parsers.ts';

export interface ProductWorld {
  store: Store;
  service: ProductService;
  now: { ms: number };
  close(): Promise<void>;
}

export async function productWorld(parsers: ComplianceParsers = toyParsers, maxImportBytes?: number): Promise<ProductWorld> {
  const now = { ms: Date.parse('2031-03-01T12:00:00Z') };
  const clock = () => new Date(now.ms);
  const store = await openStore(':memory:', { kek: randomBytes(32), clock });
  const service = productService({ store, parsers, clock, ...(maxImportBytes === undefined ? {} : { maxImportBytes }) });
  return { store, service, now, close: () => store.close() };
}

export const product = (model: string, extra: Partial<ProductInput> = {}): ProductInput => ({
  model,
  manufacturer: 'ACME',
  name: `ACME ${model}`,
  supportPublished: true,
  updatable: true,
  constrained: false,
  usesPasswords: false,
  hasUserInterface: false,
  processesPersonalData: false,
  ...extra,
});

/** A lifecycle release of the model straight into the store. */
export async function lifecycleRelease(
  store: Store,
  model: string,
  version: string,
  seq: number,
  state: 'draft' | 'published' = 'published',
) {
  return store.releases.create({
    id: `${model}-${version}`,
    model,
    version,
    sequenceNumber: seq,
    components: [{ id: 'fw', digest: seq.toString(16).padStart(64, '0'), size: 1 }],
    envelope: Uint8Array.of(seq),
    state,
    origin: 'imported',
  });
}

export const guidHex = (n: number) => `a0${'0'.repeat(28)}${n.toString(16).padStart(2, '0')}`;

/**
 * A device of the model: its record and the manufacturer's voucher with the model as DeviceInfo
 * (what DI writes). With a version, a verified installed release too.
 */
export async function device(store: Store, n: number, model: string, version?: string) {
  const guid = guidHex(n);
  const bytes = new Uint8Array(Buffer.from(guid, 'hex'));
  await store.devices.upsert({ guid: bytes, state: 'active' });
  await store.vouchers.put({ side: 'manufacturer', guid: bytes, voucher: await modelVoucher(bytes, model), state: 'created' });
  if (version !== undefined)
    await store.campaigns.setInstalled({
      guid,
      releaseId: `${model}-${version}`,
      version,
      sequenceNumber: 1,
      components: [],
      reportAction: 'a1',
    });
}
