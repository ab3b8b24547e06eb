import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownerUrls, rendezvousUrls } from '../../../src/fdo/client/addresses.ts';
import { RVProtocolValue, TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import { rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';

test('rendezvous URLs come from the device directives in order; owner-only, bypass and non-HTTP ones are skipped', () => {
  const rv = [
    rendezvousDirectiveFromView({ dns: 'rv.example.com', devPort: 8041, protocol: RVProtocolValue.RVProtHttp }),
    rendezvousDirectiveFromView({ ownerOnly: true, dns: 'owner-side.example.com', ownerPort: 8041 }),
    rendezvousDirectiveFromView({ ipAddress: '::1', devPort: 8443, protocol: RVProtocolValue.RVProtHttps }),
    rendezvousDirectiveFromView({ dns: 'coap.example.com', protocol: RVProtocolValue.RVProtCoapUdp }),
    rendezvousDirectiveFromView({ bypass: true, dns: 'owner.example.com' }),
    rendezvousDirectiveFromView({ ipAddress: '192.0.2.7' }),
  ];
  assert.deepEqual(rendezvousUrls(rv), ['http://rv.example.com:8041', 'https://[0:0:0:0:0:0:0:1]:8443', 'http://192.0.2.7']);
});

test('owner URLs come from RVTO2Addr: HTTP and HTTPS entries, names before addresses, duplicates once', () => {
  assert.deepEqual(
    ownerUrls([
      { dns: 'owner.example.com', ip: '192.0.2.1', port: 8043, protocol: TransportProtocol.ProtHTTPS },
      { ip: '192.0.2.1', port: 8043, protocol: TransportProtocol.ProtHTTPS },
      { ip: '192.0.2.2', port: 8080, protocol: TransportProtocol.ProtTCP },
      { ip: '192.0.2.3', port: 80, protocol: TransportProtocol.ProtHTTP },
    ]),
    ['https://owner.example.com:8043', 'https://192.0.2.1:8043', 'http://192.0.2.3:80'],
  );
});

test('an IPv4-mapped IPv6 address (as go-fdo sends for an IPv4 owner) is reached over IPv4; other IPv6 addresses are kept', () => {
  assert.deepEqual(
    ownerUrls([
      { ip: '0:0:0:0:0:ffff:7f00:1', port: 8043, protocol: TransportProtocol.ProtHTTP },
      { ip: '::ffff:192.0.2.9', port: 8044, protocol: TransportProtocol.ProtHTTP },
      { ip: '0:0:0:0:0:0:0:1', port: 8045, protocol: TransportProtocol.ProtHTTP },
      { ip: '::fffe:7f00:1', port: 8046, protocol: TransportProtocol.ProtHTTP },
    ]),
    ['http://127.0.0.1:8043', 'http://192.0.2.9:8044', 'http://[0:0:0:0:0:0:0:1]:8045', 'http://[::fffe:7f00:1]:8046'],
  );
  const rv = [rendezvousDirectiveFromView({ ipAddress: '0:0:0:0:0:ffff:7f00:1', devPort: 8041, protocol: RVProtocolValue.RVProtHttp })];
  assert.deepEqual(rendezvousUrls(rv), ['http://127.0.0.1:8041']);
});
