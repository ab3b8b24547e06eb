/** Where devices reach this server: the defaults DI and TO0 use until the operator stores others. */
import { isIP } from 'node:net';
import { RVProtocolValue, TransportProtocol } from '../../fdo/constants/rendezvous.ts';
import { type RendezvousInfo, rendezvousDirectiveFromView } from '../../fdo/types/rendezvous-info.ts';
import type { RvTo2Addr } from '../../fdo/types/rv-to2-addr.ts';
import type { PlatformConfig } from './config.ts';

export interface ServerAddresses {
  /** The base URL devices use (http(s)://host:port). */
  url: string;
  rvInfo: RendezvousInfo;
  to2Address: RvTo2Addr;
}

/** With `tls`, the URL is https and devices are told HTTPS (RVProtHttps, §3.7; ProtHTTPS, §3.3.12). */
export function serverAddresses(config: Pick<PlatformConfig, 'host' | 'port' | 'publicHost'>, tls = false): ServerAddresses {
  // A wildcard listener is reached on loopback unless the operator names the public host.
  const host = config.publicHost ?? (config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host);
  const at = isIP(host) ? { ipAddress: host } : { dns: host };
  return {
    url: `${tls ? 'https' : 'http'}://${isIP(host) === 6 ? `[${host}]` : host}:${config.port}`,
    rvInfo: [
      rendezvousDirectiveFromView({
        ...at,
        devPort: config.port,
        ownerPort: config.port,
        protocol: tls ? RVProtocolValue.RVProtHttps : RVProtocolValue.RVProtHttp,
      }),
    ],
    to2Address: [
      {
        ...(isIP(host) ? { ip: host } : { dns: host }),
        port: config.port,
        protocol: tls ? TransportProtocol.ProtHTTPS : TransportProtocol.ProtHTTP,
      },
    ],
  };
}
