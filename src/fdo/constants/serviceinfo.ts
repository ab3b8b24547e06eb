/**
 * FDO 1.1 ServiceInfo constants: the ServiceInfo section (ServiceInfoKV, module activation, the
 * devmod module), the TO2 message sizes of TO2.DeviceServiceInfoReady (Type 66) and
 * TO2.OwnerServiceInfoReady (Type 67), and the message names of the ServiceInfo modules registered
 * in the FIDO Alliance fdo-sim repository (fdo.download, fdo.upload, fdo.command, fdo.wget) plus
 * the interop module `fido_alliance`. IoTopia's own module is listed last.
 */

/** A ServiceInfoKey is `moduleName:messageName`; this is the separator. */
export const SERVICEINFO_KEY_SEPARATOR = ':';

/** Every module has this message: the owner turns a module on or off, the device confirms. */
export const MESSAGE_ACTIVE = 'active';

/**
 * maxDeviceServiceInfoSz / maxOwnerServiceInfoSz: the size assumed when a peer sends null, and the
 * largest a uint16 can carry.
 */
export const SERVICEINFO_DEFAULT_MAX_SIZE = 1300;
export const SERVICEINFO_MAX_SIZE = 65_535;
/**
 * IoTopia's floor for a negotiated size. The spec recommends 1300 as the default; below 256 bytes
 * the devmod keys and module names may no longer fit in one message, so a smaller value is refused.
 */
export const SERVICEINFO_MIN_SIZE = 256;

/** The fdo-sim modules send file data in blocks of at most this many bytes. */
export const FSIM_DATA_CHUNK_MAX = 1014;

/** Length of a SHA-384 digest, as the `sha-384` messages carry it. */
export const SHA384_LENGTH = 48;

/** Module names, as they appear before the separator. */
export const ModuleName = {
  devmod: 'devmod',
  fdo_download: 'fdo.download',
  fdo_upload: 'fdo.upload',
  fdo_command: 'fdo.command',
  fdo_wget: 'fdo.wget',
  fido_alliance: 'fido_alliance',
  iotopia_onboard: 'iotopia.onboard',
} as const;

/** devmod messages (device to owner), in the order IoTopia sends them. */
export const DevmodMessage = {
  active: 'active',
  os: 'os',
  arch: 'arch',
  version: 'version',
  device: 'device',
  sn: 'sn',
  pathsep: 'pathsep',
  sep: 'sep',
  nl: 'nl',
  tmp: 'tmp',
  dir: 'dir',
  progenv: 'progenv',
  bin: 'bin',
  mudurl: 'mudurl',
  nummodules: 'nummodules',
  modules: 'modules',
} as const;

/** devmod messages the device must send (besides `active` and the module list). */
export const DEVMOD_REQUIRED_TEXT = ['os', 'arch', 'version', 'device', 'sep', 'bin'] as const;

/** fdo.download: owner sends a file to the device. */
export const DownloadMessage = {
  active: 'active',
  name: 'name',
  length: 'length',
  sha_384: 'sha-384',
  data: 'data',
  done: 'done',
} as const;

/** fdo.upload: owner asks the device for a file. `error` is IoTopia's addition (see docs). */
export const UploadMessage = {
  active: 'active',
  name: 'name',
  need_sha: 'need-sha',
  length: 'length',
  data: 'data',
  sha_384: 'sha-384',
  error: 'error',
} as const;

/** fdo.command: owner runs a command on the device. */
export const CommandMessage = {
  active: 'active',
  command: 'command',
  args: 'args',
  may_fail: 'may_fail',
  return_stdout: 'return_stdout',
  return_stderr: 'return_stderr',
  execute: 'execute',
  sig: 'sig',
  stdout: 'stdout',
  stderr: 'stderr',
  exitcode: 'exitcode',
} as const;

/** fdo.wget: device fetches a URL itself. */
export const WgetMessage = {
  active: 'active',
  sha_384: 'sha-384',
  name: 'name',
  url: 'url',
  done: 'done',
  error: 'error',
} as const;

/** fido_alliance: the interop dashboard's access token for this device. */
export const FidoAllianceMessage = {
  active: 'active',
  dev_conformance: 'dev_conformance',
} as const;

/** iotopia.onboard: IoTopia's hand-over from onboarding to intent and lifecycle management. */
export const IotopiaOnboardMessage = {
  active: 'active',
  device_info: 'device-info',
  provision: 'provision',
  done: 'done',
  error: 'error',
} as const;

export type ModuleNameValue = (typeof ModuleName)[keyof typeof ModuleName];
