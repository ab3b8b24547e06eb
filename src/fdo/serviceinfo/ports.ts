/**
 * The ports through which ServiceInfo modules reach the world. ServiceInfo code never touches the
 * file system, the network or processes itself; the device agent and the owner service inject these.
 * Every reference (`ref`, `name`, `handle`) is a plain string, so that session state stays plain data.
 */

/** Reads bytes by reference: owner files for fdo.download, device files for fdo.upload. */
export interface ByteSource {
  size(ref: string): Promise<number>;
  /** Exactly `length` bytes from `offset` unless the source ends first. */
  read(ref: string, offset: number, length: number): Promise<Uint8Array>;
}

/**
 * Writes a file in steps and publishes it only on `commit` (nothing half-written is ever visible):
 * device files for fdo.download and fdo.wget, owner files for fdo.upload. `read` reads back what was
 * appended so far, which is how a SHA-384 spanning several messages is checked without keeping a
 * hash object in session state.
 */
export interface ByteSink {
  /** Starts a new file to be published under `name`; returns a handle. */
  create(name: string): Promise<string>;
  append(handle: string, bytes: Uint8Array): Promise<void>;
  read(handle: string, offset: number, length: number): Promise<Uint8Array>;
  commit(handle: string): Promise<void>;
  discard(handle: string): Promise<void>;
}

export interface CommandRequest {
  command: string;
  args: string[];
  returnStdout: boolean;
  returnStderr: boolean;
}

export interface CommandResult {
  exitCode: number;
  stdout?: Uint8Array;
  stderr?: Uint8Array;
}

/** Runs an fdo.command request to completion (the module runs commands synchronously). */
export interface CommandExecutor {
  run(request: CommandRequest): Promise<CommandResult>;
  /** Delivers an fdo.command `sig` to the running command, if any. */
  signal?(signal: number): Promise<void>;
}

export interface HttpResponse {
  status: number;
  body: AsyncIterable<Uint8Array>;
}

/** An HTTP GET for fdo.wget. */
export interface HttpFetch {
  get(url: string): Promise<HttpResponse>;
}

/** Where the device hands the FIDO interop dashboard token (fido_alliance:dev_conformance). */
export interface ConformanceTokenSink {
  submit(token: string): Promise<void>;
}

export interface BearerCredential {
  type: 'bearer';
  token: string;
  expires?: number;
}

export interface ClientCertCredential {
  type: 'client-cert';
  /** DER certificates, the device's own first. */
  certChain: Uint8Array[];
  /** Names the device keystore key that the leaf certificate certifies. */
  keyRef: string;
  expires?: number;
}

export type DeviceApiCredential = BearerCredential | ClientCertCredential;

/** What iotopia.onboard provisions on the device, as the device stores it. */
export interface ManagementProvision {
  endpoint: string;
  credential: DeviceApiCredential;
  /** COSE_Key public keys (CBOR) of the SUIT manifest signers the device will trust. */
  trustAnchors: Uint8Array[];
}

/** The device's store for the management provision; `save` commits all of it or nothing. */
export interface ManagementStore {
  save(provision: ManagementProvision): Promise<void>;
}

/** Owner-side ports, passed with each owner step. */
export interface OwnerPorts {
  /** Files named by fdo.download plans. */
  downloadSource?: ByteSource;
  /** Where fdo.upload plans store what the device sends. */
  uploadSink?: ByteSink;
}
