// @implements RFC7022 (Guidelines for Choosing RTP Control Protocol (RTCP) Canonical Names (CNAMEs))
/**
 * The CNAME (RFC 3550 §6.5.1) as RFC 7022 has it chosen: not "user@host"
 * from an address that a NAT may share, but a cryptographically random
 * identifier of at least 96 bits in Base64, new for every RTP session.
 */
import { randomBytes } from 'node:crypto';

/** A per-session CNAME: 96 random bits, 16 Base64 characters, no "user@" part. */
// @implements RFC7022 P5L40-P6L3, P6L25-P6L27, P4L3-P4L8
// RFC 7022 updates §6.5.1's format: "user@host" and an IPv4 "host" are replaced by a random identifier.
// @implements RFC3550 P47L1-P47L2, P47L11-P47L12
// @exception RFC3550 P47L4-P47L6: per-session CNAMEs (RFC 7022 §4.1); an application syncing several sessions passes one CNAME to each (RtpSession's cname option)
// @exception RFC3550 P47L8-P47L9, P47L12-P47L16, P47L30-P47L31, P47L38-P47L40: RFC 7022 §4 replaces the user@host format, whose IPv4 "host" it makes NOT RECOMMENDED
export function perSessionCname(): string {
  return randomBytes(12).toString('base64');
}
