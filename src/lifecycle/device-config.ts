/**
 * What a device reports about itself on the device API (`PUT /device/v1/config`) and the bounds
 * of each part: the route's schema (src/server/device-api/device-config.ts) enforces them, and
 * the agent keeps its reports within them.
 */

/** The most firmware components one report lists. */
export const MAX_FIRMWARE_COMPONENTS = 32;
/** The longest component identifier, characters. */
export const MAX_COMPONENT_CHARS = 128;
/** The longest version text, characters. */
export const MAX_VERSION_CHARS = 64;
/** The longest model, manufacturer or serial, characters. */
export const MAX_DEVICE_TEXT_CHARS = 128;
/** The most free attributes one report carries. */
export const MAX_ATTRIBUTES = 32;

export interface DeviceConfigReport {
  model?: string;
  manufacturer?: string;
  serial?: string;
  firmware?: { component: string; version: string }[];
  attributes?: Record<string, string>;
}
