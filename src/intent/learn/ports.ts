/**
 * Ephemeral ports: the client side of a connection, collapsed when a MUD file is learned so only
 * the service port stays. RFC 6335 §6 names 49152–65535 the dynamic ports; Linux picks its local
 * ports from 32768–60999 (net.ipv4.ip_local_port_range), so on the device side that range counts too.
 */

/** RFC 6335 §6: the Dynamic and/or Private Ports. */
export const DYNAMIC_PORT_MIN = 49152;
/** The default Linux net.ipv4.ip_local_port_range. */
export const LINUX_EPHEMERAL_MIN = 32768;
export const LINUX_EPHEMERAL_MAX = 60999;

export function isEphemeral(port: number, side: 'device' | 'peer'): boolean {
  if (port >= DYNAMIC_PORT_MIN) return true;
  return side === 'device' && port >= LINUX_EPHEMERAL_MIN && port <= LINUX_EPHEMERAL_MAX;
}
