/** The product services bound to their dependencies, as the server holds them. */
import type { PageRequest } from '../../store/page.ts';
import { affectedDevices } from './affected-devices.ts';
import type { ProductDeps } from './context.ts';
import { mudSbomLinks } from './mud-sbom-link.ts';
import { openVulnerabilities } from './open-vulnerabilities.ts';
import { importOsv } from './osv-import.ts';
import { outOfSupport } from './out-of-support.ts';
import { productOfDevice } from './product-of-device.ts';
import type { ProductInput } from './product-types.ts';
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from './products.ts';
import { releaseVulnerabilities } from './release-vulnerabilities.ts';
import { currentRelease, declareRelease, findRelease, productReleases } from './releases.ts';
import { importSbom } from './sbom-import.ts';
import { getSbom, sbomComponents } from './sbom-read.ts';
import { isOutOfSupport } from './support.ts';
import { importVex } from './vex-import.ts';

export function productService(d: ProductDeps) {
  return {
    create: (p: ProductInput, actor: string) => createProduct(d, p, actor),
    update: (p: ProductInput, actor: string) => updateProduct(d, p, actor),
    get: (model: string) => getProduct(d, model),
    /** The product with its current release and the SBOM links of its published MUD file. */
    async view(model: string) {
      const product = await getProduct(d, model);
      const [current, links] = await Promise.all([currentRelease(d.store, model), mudSbomLinks(d.store, product.mudUrl)]);
      const outOfSupport = isOutOfSupport(product.supportEnd, d.clock());
      return { product, ...(current === undefined ? {} : { currentRelease: current }), outOfSupport, mudSbom: links };
    },
    list: (page?: PageRequest) => listProducts(d, page),
    delete: (model: string, actor: string) => deleteProduct(d, model, actor),
    releases: (model: string) => productReleases(d.store, model),
    /** The SBOMs imported for the model's releases, by version. */
    releaseSboms: (model: string) => d.store.sboms.ofModel(model),
    currentRelease: (model: string) => currentRelease(d.store, model),
    findRelease: (model: string, version: string) => findRelease(d.store, model, version),
    declareRelease: (model: string, version: string, releasedAt: Date | undefined, actor: string) =>
      declareRelease(d, model, version, releasedAt, actor),
    importSbom: (model: string, version: string, bytes: Uint8Array, source: string, actor: string) =>
      importSbom(d, model, version, bytes, source, actor),
    getSbom: (model: string, version: string) => getSbom(d.store, model, version),
    sbomComponents: (model: string, version: string) => sbomComponents(d.store, model, version),
    importOsv: (bytes: Uint8Array, source: string, actor: string) => importOsv(d, bytes, source, actor),
    importVex: (bytes: Uint8Array, source: string, actor: string) => importVex(d, bytes, source, actor),
    releaseVulnerabilities: (model: string, version: string) => releaseVulnerabilities(d, model, version),
    openVulnerabilities: (model: string, now: Date) => openVulnerabilities(d, model, now),
    affectedDevices: (id: string) => affectedDevices(d, id),
    outOfSupport: (now: Date) => outOfSupport(d, now),
    /** The product of the device record `guid` (its voucher's DeviceInfo), if its model is one. */
    ofDevice: (guid: Uint8Array) => productOfDevice(d, guid),
  };
}

export type ProductService = ReturnType<typeof productService>;
