/** The management API with products, SBOMs and vulnerabilities, on an in-memory store, with a token per role. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ComplianceParsers } from '../../../src/compliance/products/parsers.ts';
import { productService } from '../../../src/compliance/products/service.ts';
import { createApiToken } from '../../../src/platform/tokens.ts';
import { createApp } from '../../../src/server/app.ts';
import { registerMudServing } from '../../../src/server/mud/serve.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';

export interface ProductApiWorld {
  app: FastifyInstance;
  store: Store;
  tokens: { owner: string; auditor: string; manufacturer: string };
  now: { ms: number };
  close(): Promise<void>;
}

export async function productApiWorld(parsers: ComplianceParsers, maxImportBytes?: number): Promise<ProductApiWorld> {
  const now = { ms: Date.parse('2031-03-01T12:00:00Z') };
  const clock = () => new Date(now.ms);
  const store = await openStore(':memory:', { kek: randomBytes(32), clock });
  const products = productService({ store, parsers, clock, ...(maxImportBytes === undefined ? {} : { maxImportBytes }) });
  const app = createApp({ api: { store, manufacturerKeys: [], ownerKeys: [], products, clock } });
  registerMudServing(app, store);
  await app.ready();
  const token = async (role: 'owner' | 'auditor' | 'manufacturer') => (await createApiToken(store, { name: role, roles: [role] })).secret;
  const tokens = { owner: await token('owner'), auditor: await token('auditor'), manufacturer: await token('manufacturer') };
  return {
    app,
    store,
    tokens,
    now,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });
