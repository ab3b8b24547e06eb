/**
 * Devices onboarded by this owner, announced after their TO2 outcome committed, so other pillars
 * (the MUD manager first) can act on what TO2 learned without the onboarding code knowing them.
 * A subscriber's failure is logged and never reaches TO2: the device is onboarded either way, and
 * the device record holds the same facts for anyone who reads it later.
 */

/** A device whose TO2 ended here, with what it reported (see OnboardInfo on the device record). */
export interface OnboardedDevice {
  guid: Uint8Array;
  replacementGuid: Uint8Array;
  mudUrl?: string;
  /** Where the MUD URL came from: what the device said in TO2 (devmod or iotopia.onboard), or its certificate. */
  mudUrlSource?: 'fdo' | 'x509';
  sbomUrl?: string;
  /** The address TO2 came from. */
  address?: string;
}

export type OnboardedSubscriber = (device: OnboardedDevice) => void | Promise<void>;

export interface OnboardedFeed {
  publish(device: OnboardedDevice): void;
  /** Adds a subscriber; the function returned removes it. */
  subscribe(fn: OnboardedSubscriber): () => void;
}

export function onboardedFeed(log?: { warn(o: object, message: string): void }): OnboardedFeed {
  const subscribers = new Set<OnboardedSubscriber>();
  const failed = (e: unknown) => log?.warn({ err: e }, 'a subscriber to onboarded devices failed');
  return {
    publish(device) {
      for (const fn of subscribers) {
        try {
          Promise.resolve(fn(device)).catch(failed);
        } catch (e) {
          failed(e);
        }
      }
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
  };
}
