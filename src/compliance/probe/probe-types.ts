/** An open-port probe of a test device, compared with what its MUD file lets reach it. */
export interface PortProbeResult {
  /** The device's address as probed (a documentation or lab address). */
  address: string;
  /** The MUD URL of the file the ports were compared with. */
  mudUrl: string;
  /** The transport probed and the port range scanned. */
  protocol: 'tcp';
  ports: { from: number; to: number };
  /** Ports that accepted a connection. */
  open: number[];
  /** Open ports the MUD file allows to be reached from outside the device. */
  allowed: number[];
  /** Open ports the MUD file does not allow: any of these fails the evidence rule. */
  unexpected: number[];
  /** How many ports answered with a reset (closed) and how many did not answer in time (filtered). */
  closed?: number;
  filtered?: number;
  startedAt: string;
  finishedAt: string;
}
