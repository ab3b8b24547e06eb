/**
 * What the owner wants done on a device, one plan per module invocation, run in order after devmod.
 * Plans are plain data; `required` (default true) makes a failed or unsupported plan end TO2 with
 * ERR_FDO_MODULE_FAILED, otherwise its outcome is recorded and the next plan starts.
 */
import type { ManagementProvision } from './ports.ts';

interface PlanBase {
  required?: boolean;
}

/** fdo.download: send the file `source` (read through OwnerPorts.downloadSource) as `name`. */
export interface DownloadPlan extends PlanBase {
  module: 'fdo.download';
  name: string;
  source: string;
  /** Computed from the source when absent. */
  sha384?: Uint8Array;
  /** Largest data block (default 1014). */
  blockSize?: number;
}

/** fdo.upload: fetch the device file `name` and store it as `target` (OwnerPorts.uploadSink). */
export interface UploadPlan extends PlanBase {
  module: 'fdo.upload';
  name: string;
  target: string;
  /** Ask for and check the SHA-384 (default true). */
  needSha?: boolean;
  /** Largest file accepted (default 64 MiB). */
  maxBytes?: number;
}

/** fdo.command: run `command` with `args` on the device. */
export interface CommandPlan extends PlanBase {
  module: 'fdo.command';
  command: string;
  args?: string[];
  /** Default true: a failing command is reported (exitcode) rather than ending TO2 on the device. */
  mayFail?: boolean;
  returnStdout?: boolean;
  returnStderr?: boolean;
  /** Most bytes of stdout and of stderr kept in the outcome (default 64 KiB each). */
  maxOutputBytes?: number;
}

/** fdo.wget: have the device fetch `url` itself. */
export interface WgetPlan extends PlanBase {
  module: 'fdo.wget';
  url: string;
  name?: string;
  sha384?: Uint8Array;
  /** When given, the device's reported length must match. */
  length?: number;
}

/** fido_alliance: hand the device its interop dashboard token. */
export interface FidoAlliancePlan extends PlanBase {
  module: 'fido_alliance';
  devConformance: string;
}

/** iotopia.onboard: learn the device's intent, provision management access and update trust. */
export interface IotopiaOnboardPlan extends PlanBase {
  module: 'iotopia.onboard';
  provision: ManagementProvision;
  /** Fail the plan when the device declares no MUD URL (default false). */
  requireMudUrl?: boolean;
}

export type OwnerModulePlan = DownloadPlan | UploadPlan | CommandPlan | WgetPlan | FidoAlliancePlan | IotopiaOnboardPlan;
