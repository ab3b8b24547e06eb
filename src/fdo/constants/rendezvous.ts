/**
 * FDO 1.1 rendezvous information (the RendezvousInfo type of §3.3.13; RendezvousVariable,
 * RVProtocolValue and RVMediumValue as §3.7 "Rendezvous Information" describes them) and the TO2
 * address protocols (§3.3.12 TransportProtocol).
 */
export const RVVariable = {
  RVDevOnly: 0,
  RVOwnerOnly: 1,
  RVIPAddress: 2,
  RVDevPort: 3,
  RVOwnerPort: 4,
  RVDns: 5,
  RVSvCertHash: 6,
  RVClCertHash: 7,
  RVUserInput: 8,
  RVWifiSsid: 9,
  RVWifiPw: 10,
  RVMedium: 11,
  RVProtocol: 12,
  RVDelaysec: 13,
  RVBypass: 14,
  RVExtRV: 15,
} as const;

export const RVProtocolValue = {
  RVProtRest: 0,
  RVProtHttp: 1,
  RVProtHttps: 2,
  RVProtTcp: 3,
  RVProtTls: 4,
  RVProtCoapTcp: 5,
  RVProtCoapUdp: 6,
} as const;

/** §3.3.12 TransportProtocol, used in RVTO2Addr entries (§3.3.14). */
export const TransportProtocol = {
  ProtTCP: 1,
  ProtTLS: 2,
  ProtHTTP: 3,
  ProtCoAP: 4,
  ProtHTTPS: 5,
  ProtCoAPS: 6,
} as const;
