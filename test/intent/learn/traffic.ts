/**
 * A device's traffic built frame by frame: DNS through the gateway (a CNAME to a CDN name), HTTPS
 * to the name, NTP and ping to bare addresses, a CoAP exchange over IPv6, a local client opening a
 * connection to the device, and DHCP (a network basic).
 */
import { ACK, concat, dnsName, dnsResponse, ether, icmp, ipv4, ipv6, type Rec, SYN, tcp, udp, v6 } from '../capture/build.ts';

export const DEVICE_MAC = '02:00:5e:00:53:10';
export const GATEWAY_MAC = '02:00:5e:00:53:01';
export const LOCAL_MAC = '02:00:5e:00:53:50';
export const DEVICE = '192.0.2.10';
export const GATEWAY = '192.0.2.1';
export const LOCAL_PEER = '192.0.2.50';
export const CDN = '203.0.113.7';
export const NTP = '198.51.100.9';
export const PINGED = '198.51.100.1';
export const DEVICE6 = '2001:db8::10';
export const COAP6 = '2001:db8:1::5';

const T0 = 1_765_000_000_000_000;

type Frame = [number, Uint8Array];

const fromDev = (ip: Uint8Array): Uint8Array => ether(GATEWAY_MAC, DEVICE_MAC, 0x0800, ip);
const toDev = (src: string, ip: Uint8Array): Uint8Array => ether(DEVICE_MAC, src, 0x0800, ip);

export function deviceTraffic(): Rec[] {
  const answer = dnsResponse('api.example.com', 1, [
    ['api.example.com', 5, 300, dnsName('edge.cdn.example.net')],
    ['edge.cdn.example.net', 1, 60, Uint8Array.of(203, 0, 113, 7)],
  ]);
  const frames: Frame[] = [
    // DHCP request and reply: basics.
    [0, ether('ff:ff:ff:ff:ff:ff', DEVICE_MAC, 0x0800, ipv4('0.0.0.0', '255.255.255.255', 17, udp(68, 67, new Uint8Array(300))))],
    [1, ether(DEVICE_MAC, GATEWAY_MAC, 0x0800, ipv4(GATEWAY, DEVICE, 17, udp(67, 68, new Uint8Array(300))))],
    // DNS to the gateway, from an ephemeral port in the Linux range.
    [10, fromDev(ipv4(DEVICE, GATEWAY, 17, udp(40001, 53, new Uint8Array(33))))],
    [11, toDev(GATEWAY_MAC, ipv4(GATEWAY, DEVICE, 17, udp(53, 40001, answer)))],
    // HTTPS to the CDN address the name led to.
    [20, fromDev(ipv4(DEVICE, CDN, 6, tcp(50123, 443, SYN)))],
    [21, toDev(GATEWAY_MAC, ipv4(CDN, DEVICE, 6, tcp(443, 50123, SYN | ACK)))],
    [22, fromDev(ipv4(DEVICE, CDN, 6, tcp(50123, 443, ACK, new Uint8Array(100))))],
    // A second connection to the same service, from another port.
    [40_000_000, fromDev(ipv4(DEVICE, CDN, 6, tcp(50200, 443, SYN)))],
    [40_000_001, toDev(GATEWAY_MAC, ipv4(CDN, DEVICE, 6, tcp(443, 50200, SYN | ACK)))],
    // NTP and ping to addresses nobody named.
    [30, fromDev(ipv4(DEVICE, NTP, 17, udp(123, 123, new Uint8Array(48))))],
    [31, toDev(GATEWAY_MAC, ipv4(NTP, DEVICE, 17, udp(123, 123, new Uint8Array(48))))],
    [40, fromDev(ipv4(DEVICE, PINGED, 1, icmp(8, 0)))],
    [41, toDev(GATEWAY_MAC, ipv4(PINGED, DEVICE, 1, icmp(0, 0)))],
    // A local client (its own MAC) opens a connection to the device's port 8080.
    [50, toDev(LOCAL_MAC, ipv4(LOCAL_PEER, DEVICE, 6, tcp(51000, 8080, SYN)))],
    [51, ether(LOCAL_MAC, DEVICE_MAC, 0x0800, ipv4(DEVICE, LOCAL_PEER, 6, tcp(8080, 51000, SYN | ACK)))],
    // CoAP over IPv6 through the gateway.
    [60, ether(GATEWAY_MAC, DEVICE_MAC, 0x86dd, ipv6(DEVICE6, COAP6, 17, udp(41000, 5683, new Uint8Array(12))))],
    [61, ether(DEVICE_MAC, GATEWAY_MAC, 0x86dd, ipv6(COAP6, DEVICE6, 17, udp(5683, 41000, new Uint8Array(12))))],
    // Neighbour discovery (a basic) and ARP (not IP).
    [70, ether('33:33:ff:00:00:01', DEVICE_MAC, 0x86dd, ipv6(DEVICE6, 'ff02::1:ff00:1', 58, concat([icmp(135, 0), v6('2001:db8::1')])))],
    [71, ether('ff:ff:ff:ff:ff:ff', DEVICE_MAC, 0x0806, new Uint8Array(28))],
  ];
  return frames.sort((a, b) => a[0] - b[0]).map(([t, data]) => ({ timeUs: T0 + t, data }));
}
