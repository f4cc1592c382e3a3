// PROXY protocol v2 headers byte for byte, against vectors worked out by hand from haproxy's
// proxy-protocol.txt (section 2.2): signature, version/command, family/transport, length, addresses.
import { describe, expect, it } from 'vitest';
import { encodeProxyV2, encodeProxyV2Local, PROXY_V2_FAMILY, PROXY_V2_SIGNATURE } from '../../../main/nlb/proxy-protocol.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const SIG = '0d0a0d0a000d0a515549540a';

describe('PROXY protocol v2 encoder', () => {
  it('starts with the 12-byte signature', () => {
    expect(hex(PROXY_V2_SIGNATURE)).toBe(SIG);
    expect(PROXY_V2_SIGNATURE.toString('latin1')).toBe('\r\n\r\n\0\r\nQUIT\n');
  });

  it('TCP over IPv4: 0x21 PROXY, 0x11, 12 address bytes', () => {
    const header = encodeProxyV2({ sourceAddress: '192.168.1.10', sourcePort: 56324, destinationAddress: '10.0.0.1', destinationPort: 443 });
    // 56324 = 0xdc04, 443 = 0x01bb
    expect(hex(header)).toBe(`${SIG}21` + '11' + '000c' + 'c0a8010a' + '0a000001' + 'dc04' + '01bb');
    expect(header.length).toBe(28);
  });

  it('TCP over IPv6: 0x21, 36 address bytes', () => {
    const header = encodeProxyV2({ sourceAddress: '2001:db8::1', sourcePort: 1234, destinationAddress: '::1', destinationPort: 8443 });
    expect(hex(header)).toBe(`${SIG}21` + '21' + '0024' + '20010db8000000000000000000000001' + '00000000000000000000000000000001' + '04d2' + '20fb');
    expect(header.length).toBe(52);
  });

  it('sends IPv4-mapped IPv6 clients as IPv4', () => {
    const header = encodeProxyV2({ sourceAddress: '::ffff:127.0.0.1', sourcePort: 40000, destinationAddress: '::ffff:127.0.0.1', destinationPort: 80 });
    expect(hex(header)).toBe(`${SIG}21` + '11' + '000c' + '7f000001' + '7f000001' + '9c40' + '0050');
  });

  it('maps the IPv4 side into IPv6 when the other side is IPv6 (one family per header)', () => {
    const header = encodeProxyV2({ sourceAddress: '127.0.0.1', sourcePort: 1, destinationAddress: '::1', destinationPort: 2 });
    expect(hex(header)).toBe(`${SIG}21` + '21' + '0024' + '00000000000000000000ffff7f000001' + '00000000000000000000000000000001' + '0001' + '0002');
  });

  it('has the DGRAM forms for UDP: 0x12 over IPv4, 0x22 over IPv6', () => {
    expect(PROXY_V2_FAMILY).toMatchObject({ TCP4: 0x11, UDP4: 0x12, TCP6: 0x21, UDP6: 0x22 });
    const v4 = encodeProxyV2({ sourceAddress: '10.1.2.3', sourcePort: 53, destinationAddress: '10.3.2.1', destinationPort: 5353 }, 'dgram');
    expect(hex(v4)).toBe(`${SIG}21` + '12' + '000c' + '0a010203' + '0a030201' + '0035' + '14e9');
    const v6 = encodeProxyV2({ sourceAddress: 'fe80::1%eth0', sourcePort: 53, destinationAddress: '::', destinationPort: 53 }, 'dgram');
    expect(hex(v6)).toBe(`${SIG}21` + '22' + '0024' + 'fe800000000000000000000000000001' + '00000000000000000000000000000000' + '0035' + '0035');
  });

  it('LOCAL: version 2, command 0, no addresses', () => {
    expect(hex(encodeProxyV2Local())).toBe(`${SIG}20` + '00' + '0000');
  });

  it('refuses what is not an address or a port', () => {
    expect(() => encodeProxyV2({ sourceAddress: 'localhost', sourcePort: 1, destinationAddress: '127.0.0.1', destinationPort: 1 })).toThrow(/not an IP address/);
    expect(() => encodeProxyV2({ sourceAddress: '127.0.0.1', sourcePort: 70000, destinationAddress: '127.0.0.1', destinationPort: 1 })).toThrow(/not a port/);
  });
});
