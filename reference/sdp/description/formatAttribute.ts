// @implements RFC8866 (SDP: Session Description Protocol)
/** The `a=` value of a typed attribute, as serialize.ts writes it (§5.13 and each attribute's syntax). */
import { formatConnection } from './connection.ts';
import { decimal } from './numbers.ts';
import type { Attribute } from './types.ts';

export function formatAttribute(a: Attribute): string {
  switch (a.kind) {
    // @implements RFC8866 P28L25-P28L26
    case 'rtpmap':
      return `rtpmap:${a.payloadType} ${a.encodingName}/${decimal(a.clockRate, 'a=rtpmap: <clock rate>')}${a.encodingParameters !== undefined ? `/${a.encodingParameters}` : ''}`;
    case 'fmtp':
      return `fmtp:${a.format} ${a.parameters}`;
    case 'ptime':
      return `ptime:${decimal(a.milliseconds, 'a=ptime:')}`;
    case 'maxptime':
      return `maxptime:${decimal(a.milliseconds, 'a=maxptime:')}`;
    // @implements RFC8866 P21L30-P21L33
    case 'direction':
      return a.direction;
    // @implements RFC3605 P2L45-P2L46
    case 'rtcp':
      return `rtcp:${decimal(a.port, 'a=rtcp: <port>')}${a.connection ? ` ${formatConnection(a.connection)}` : ''}`;
    case 'mid':
      return `mid:${a.tag}`;
    case 'group':
      return `group:${[a.semantics, ...a.tags].join(' ')}`;
    // @implements RFC4145 P4L13-P4L15
    case 'setup':
      return `setup:${a.role}`;
    case 'connection':
      return `connection:${a.value}`;
    case 'fingerprint':
      return `fingerprint:${a.hashFunction} ${a.fingerprint}`;
    // @implements RFC8866 P21L11-P21L12
    case 'other':
      return a.value === undefined ? a.name : `${a.name}:${a.value}`;
  }
}
