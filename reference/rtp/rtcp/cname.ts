// @implements RFC7022 (Guidelines for Choosing RTP Control Protocol (RTCP) Canonical Names (CNAMEs))
/**
 * The CNAME (RFC 3550 §6.5.1) as RFC 7022 has it chosen: not "user@host"
 * from an address that a NAT may share, but a cryptographically random
 * identifier of at least 96 bits in Base64, new for every RTP session.
 */
import { randomBytes } from 'node:crypto';

/** A per-session CNAME: 96 random bits, 16 Base64 characters, no "user@" part. */
// @implements RFC7022 P5L40-P6L3, P6L25-P6L27, P4L3-P4L8
export function perSessionCname(): string {
  return randomBytes(12).toString('base64');
}
