/**
 * The device a SUIT manifest acts on (draft-ietf-suit-manifest-37 §6, the abstract machine's
 * environment): components named by SUIT_Component_Identifier with storage per slot, a fetcher,
 * a clock, a power source, an authorization callback, the device's identity and its
 * anti-rollback state. The processor reaches the device only through this interface.
 */

/** A component identifier: the array of byte strings of SUIT_Component_Identifier (§8.4.5.1). */
export type ComponentId = readonly Uint8Array[];

/** The identity a device checks manifests against (§8.4.8.3–5: RFC 9562 UUIDs as bytes). */
export interface SuitDeviceIdentity {
  vendorId?: Uint8Array;
  classId?: Uint8Array;
  deviceId?: Uint8Array;
}

export interface SuitDevice {
  /** Whether the device has this component (unknown components fail with ERR_SUIT_COMPONENT_UNKNOWN). */
  hasComponent(id: ComponentId): boolean;
  /** Identity checked by the vendor, class and device identifier conditions, per component. */
  identity(id: ComponentId): SuitDeviceIdentity;
  /** Content of a component's slot (default slot when undefined); undefined when empty. */
  read(id: ComponentId, slot?: number): Uint8Array | undefined;
  write(id: ComponentId, data: Uint8Array, slot?: number): void;
  /** Exchanges the contents of two components (suit-directive-swap). */
  swap(a: ComponentId, b: ComponentId): void;
  /** The slot the component runs from now (suit-condition-component-slot); undefined when unslotted. */
  currentSlot(id: ComponentId): number | undefined;
  /** The installed version of a component (update management suit-condition-version). */
  version(id: ComponentId): readonly number[] | undefined;
  /** Starts a component (suit-directive-invoke); throws when it cannot. */
  invoke(id: ComponentId, args: Uint8Array | undefined): void;
  /** Retrieves a payload by URI (suit-directive-fetch); throws when it cannot. */
  fetch(uri: string, args: Uint8Array | undefined): Promise<Uint8Array>;
  /** Seconds since the POSIX epoch (suit-condition-use-before). */
  now(): number;
  /** Battery level in the unit the manifest uses (suit-condition-minimum-battery); undefined when mains-powered. */
  battery(): number | undefined;
  /** suit-condition-update-authorized: whether an update of this priority may proceed now. */
  authorize(request: { componentIndex: number; priority: number | bigint | undefined }): boolean;
  /** suit-directive-wait: blocks until the event described by the wait info (decoded map) has happened. */
  wait(waitInfo: Map<unknown, unknown> | undefined): Promise<void>;
  /** The sequence number of the last manifest the device accepted (anti-rollback, RFC 9124 REQ.SEC.SEQUENCE). */
  lastSequenceNumber(): number | bigint | undefined;
  setLastSequenceNumber(n: number | bigint): void;
}

/** Renders a component identifier for output: segments joined by '/', text when printable, else hex. */
export function componentName(id: ComponentId): string {
  return id
    .map((s) => {
      const t = Buffer.from(s).toString('utf8');
      return s.length > 0 && /^[\x21-\x7e]+$/.test(t) && !t.includes('/') ? t : `h'${Buffer.from(s).toString('hex')}'`;
    })
    .join('/');
}

/** A stable map key for a component identifier. */
export const componentKey = (id: ComponentId): string => id.map((s) => Buffer.from(s).toString('hex')).join('/');
