/** The owner modules a plan can name. */
import { ownerCommandModule } from '../modules/command-owner.ts';
import { ownerDownloadModule } from '../modules/download-owner.ts';
import { ownerFidoAllianceModule } from '../modules/fido-alliance-owner.ts';
import { ownerIotopiaOnboardModule } from '../modules/iotopia-onboard-owner.ts';
import { ownerUploadModule } from '../modules/upload-owner.ts';
import { ownerWgetModule } from '../modules/wget-owner.ts';
import type { OwnerModuleHandler } from './owner-module.ts';

// Each handler takes its own plan type; the registry is indexed by the plan's `module`.
type AnyHandler = OwnerModuleHandler<never, object>;

const HANDLERS = new Map<string, AnyHandler>(
  [ownerDownloadModule, ownerUploadModule, ownerCommandModule, ownerWgetModule, ownerFidoAllianceModule, ownerIotopiaOnboardModule].map(
    (h) => [h.module, h as unknown as AnyHandler],
  ),
);

export function ownerHandler(module: string): OwnerModuleHandler<unknown, object> {
  const h = HANDLERS.get(module);
  if (h === undefined) throw new TypeError(`no owner module ${module}`);
  return h as unknown as OwnerModuleHandler<unknown, object>;
}
