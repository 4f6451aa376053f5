// @implements RFC3261 (SIP)
/**
 * UDP for SIP: one datagram socket bound to a configured address and port
 * (port 0 picks an ephemeral one). Each datagram is one message (§18.3).
 * Requests and responses go out of this same socket, so responses leave from
 * the address and port requests arrive on (RFC 3581 §4).
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { HostPort } from './via.ts';

export class UdpTransport {
  private constructor(
    private readonly socket: Socket,
    /** Called with every datagram received and its source. */
    private readonly onDatagram: (bytes: Uint8Array, source: HostPort) => void,
  ) {
    socket.on('message', (bytes, rinfo) => this.onDatagram(bytes, { host: rinfo.address, port: rinfo.port }));
    // ICMP errors surface on send callbacks; a socket-level error must not crash the process.
    socket.on('error', () => {});
  }

  static bind(local: HostPort, onDatagram: (bytes: Uint8Array, source: HostPort) => void): Promise<UdpTransport> {
    const socket = createSocket({ type: isIP(local.host) === 6 ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(local.port, local.host, () => {
        socket.off('error', reject);
        // Messages up to the largest datagram must be accepted; the socket's
        // receive buffer is raised so a burst of large ones is not dropped.
        // @implements RFC3261 P142L38-P142L41
        socket.setRecvBufferSize(Math.max(socket.getRecvBufferSize(), 256 * 1024));
        resolve(new UdpTransport(socket, onDatagram));
      });
    });
  }

  get local(): HostPort {
    const a = this.socket.address();
    return { host: a.address, port: a.port };
  }

  /**
   * Sends one datagram. The promise rejects when the operating system reports
   * a failure (e.g. no route, or an ICMP error reported back on this socket).
   */
  // @implements RFC3261 P144L24-P144L27
  send(bytes: Uint8Array, to: HostPort, ttl?: number): Promise<void> {
    if (ttl !== undefined) this.socket.setMulticastTTL(ttl);
    return new Promise((resolve, reject) => {
      this.socket.send(bytes, to.port, to.host, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
