/**
 * `iotopia product create|show|list|update|delete|releases|declare-release|out-of-support`: an
 * owner server's products through its management API (the rules are the server's,
 * src/compliance/products).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { NEW_PRODUCT_DEFAULTS, type ProductFlags, productBody, withProductOptions } from './product-options.ts';
import { type ApiOptions, apiRequest, apiTarget, listAll, withApiOptions } from './voucher-admin-client.ts';

interface ProductItem {
  model: string;
  manufacturer: string;
  name: string;
  supportEnd?: string;
  [member: string]: unknown;
}

const path = (model: string) => `/products/${encodeURIComponent(model)}`;
const json = (v: unknown) => ({ data: JSON.stringify(v), type: 'application/json' });

function productLine(p: ProductItem, text: (s: string) => string): string {
  return `${text(p.model)}  ${text(p.manufacturer)} ${text(p.name)}  support until ${p.supportEnd === undefined ? '(not set)' : text(p.supportEnd)}`;
}

function fields(r: Record<string, unknown>, text: (s: string) => string): string[] {
  return Object.entries(r).map(([k, v]) => `${k.padEnd(22)} ${text(typeof v === 'object' ? JSON.stringify(v) : String(v))}`);
}

function registerChanges(product: Command, cli: CliContext): void {
  withProductOptions(withApiOptions(product.command('create')))
    .description('create a product: a device model with its support period, MUD URL and disclosure policy')
    .argument('<model>', 'the model, as releases and devices carry it')
    .option('--json', 'machine output: the product')
    .action(async (model: string, opts: ApiOptions & ProductFlags & { json?: boolean }) => {
      if (opts.manufacturer === undefined || opts.name === undefined) throw new CliExit(EXIT_USAGE, 'give --manufacturer and --name');
      const body = { model, ...productBody(opts, NEW_PRODUCT_DEFAULTS) };
      const p = (await (await apiRequest(apiTarget(opts, cli.env), 'POST', '/products', json(body))).json()) as ProductItem;
      cli.output.result(p, () => productLine(p, cli.output.text));
    });
  withProductOptions(withApiOptions(product.command('update')))
    .description("change a product's members: those given, the others as they are")
    .argument('<model>', 'the model')
    .option('--json', 'machine output: the product')
    .action(async (model: string, opts: ApiOptions & ProductFlags & { json?: boolean }) => {
      const target = apiTarget(opts, cli.env);
      const view = (await (await apiRequest(target, 'GET', path(model))).json()) as { product: Record<string, unknown> };
      const { model: _m, createdAt: _c, updatedAt: _u, ...current } = view.product;
      const p = (await (await apiRequest(target, 'PUT', path(model), json(productBody(opts, current)))).json()) as ProductItem;
      cli.output.result(p, () => productLine(p, cli.output.text));
    });
  withApiOptions(product.command('delete'))
    .description('delete a product and its declared releases')
    .argument('<model>', 'the model')
    .option('--json', 'machine output')
    .action(async (model: string, opts: ApiOptions & { json?: boolean }) => {
      await apiRequest(apiTarget(opts, cli.env), 'DELETE', path(model));
      cli.output.result({ deleted: model }, () => `deleted ${cli.output.text(model)}`);
    });
  withApiOptions(product.command('declare-release'))
    .description('declare a release of a product that is not a lifecycle (SUIT) release')
    .argument('<model>', 'the model')
    .requiredOption('--version <version>', 'the release version')
    .option('--released-at <date>', 'when it was released (ISO 8601)')
    .option('--json', 'machine output: the release')
    .action(async (model: string, opts: ApiOptions & { version: string; releasedAt?: string; json?: boolean }) => {
      let releasedAt: string | undefined;
      if (opts.releasedAt !== undefined) {
        const d = new Date(opts.releasedAt);
        if (Number.isNaN(d.getTime())) throw new CliExit(EXIT_USAGE, `--released-at: ${JSON.stringify(opts.releasedAt)} is not a date`);
        releasedAt = d.toISOString();
      }
      const body = { version: opts.version, ...(releasedAt === undefined ? {} : { releasedAt }) };
      const r = (await (await apiRequest(apiTarget(opts, cli.env), 'POST', `${path(model)}/releases`, json(body))).json()) as Record<
        string,
        unknown
      >;
      cli.output.result(r, () => `${cli.output.text(model)} ${cli.output.text(String(r['version']))} declared`);
    });
}

function registerReads(product: Command, cli: CliContext): void {
  withApiOptions(product.command('list'))
    .description("list an owner server's products")
    .option('--json', 'machine output: a JSON array')
    .action(async (opts: ApiOptions & { json?: boolean }) => {
      const items = await listAll<ProductItem>(apiTarget(opts, cli.env), '/products', { limit: '100' });
      cli.output.result(items, () => (items.length === 0 ? 'no products' : items.map((p) => productLine(p, cli.output.text))));
    });
  withApiOptions(product.command('show'))
    .description('one product, with its current release, support status and the SBOM links of its MUD file')
    .argument('<model>', 'the model')
    .option('--json', 'machine output: the product view')
    .action(async (model: string, opts: ApiOptions & { json?: boolean }) => {
      const v = (await (await apiRequest(apiTarget(opts, cli.env), 'GET', path(model))).json()) as Record<string, unknown> & {
        product: Record<string, unknown>;
      };
      const { product: p, ...rest } = v;
      cli.output.result(v, () => [...fields(p, cli.output.text), ...fields(rest, cli.output.text)]);
    });
  withApiOptions(product.command('releases'))
    .description("a product's releases: lifecycle ones, then declared ones")
    .argument('<model>', 'the model')
    .option('--json', 'machine output: a JSON array')
    .action(async (model: string, opts: ApiOptions & { json?: boolean }) => {
      const { items } = (await (await apiRequest(apiTarget(opts, cli.env), 'GET', `${path(model)}/releases`)).json()) as {
        items: Record<string, string>[];
      };
      const text = cli.output.text;
      cli.output.result(items, () =>
        items.length === 0
          ? 'no releases'
          : items.map((r) => `${text(String(r['version']))}  ${text(String(r['origin']))}  ${text(r['releasedAt'] ?? '')}`),
      );
    });
  withApiOptions(product.command('out-of-support'))
    .description('devices of products whose defined support period has ended')
    .option('--json', 'machine output: a JSON array')
    .action(async (opts: ApiOptions & { json?: boolean }) => {
      const { items } = (await (await apiRequest(apiTarget(opts, cli.env), 'GET', '/products/out-of-support')).json()) as {
        items: Record<string, string>[];
      };
      const text = cli.output.text;
      cli.output.result(items, () =>
        items.length === 0
          ? 'no devices out of support'
          : items.map((d) => `${text(String(d['guid']))}  ${text(String(d['model']))}  support ended ${text(String(d['supportEnd']))}`),
      );
    });
}

export function registerProduct(program: Command, cli: CliContext): void {
  const product = program
    .command('product')
    .description('products (device models), their releases and support periods on an owner server')
    .exitOverride();
  registerChanges(product, cli);
  registerReads(product, cli);
}
