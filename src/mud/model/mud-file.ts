/**
 * The typed model of a MUD file (RFC 8520, JSON per RFC 7951): the MUD container with its
 * policies and extensions, and the ACLs the policies name.
 */
import type { Acl } from './acl.ts';
import type { OwnershipLicensing, QuarantinePolicy, Transparency } from './extensions.ts';

/** A from-device or to-device policy: the names of the ACLs that apply, in order. */
export interface Policy {
  aclNames: string[];
}

export interface MudContainer {
  mudVersion: number;
  mudUrl: string;
  lastUpdate: string;
  mudSignature?: string;
  /** Hours; 48 when the file leaves it out (RFC 8520, module ietf-mud). */
  cacheValidity: number;
  isSupported: boolean;
  systeminfo?: string;
  mfgName?: string;
  modelName?: string;
  firmwareRev?: string;
  softwareRev?: string;
  documentation?: string;
  extensions: string[];
  fromDevicePolicy?: Policy;
  toDevicePolicy?: Policy;
  /** RFC 9472 transparency container. */
  transparency?: Transparency;
  /** RFC 9761 ietf-mud-tls:is-tls-dtls-profile-supported. */
  tlsDtlsProfileSupported?: boolean;
  /** Ownership and licensing (`ol`). */
  ol?: OwnershipLicensing;
  quarantine?: QuarantinePolicy;
  /** Namespaced members of extensions IoTopia does not model, kept as they are. */
  unknownExtensions: Record<string, unknown>;
}

export interface MudFile {
  mud: MudContainer;
  acls: Acl[];
}
