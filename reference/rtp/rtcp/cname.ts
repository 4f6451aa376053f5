// @implements RFC7022 (Guidelines for Choosing RTP Control Protocol (RTCP) Canonical Names (CNAMEs))
/**
 * The CNAME (RFC 3550 §6.5.1) as RFC 7022 has it chosen: not "user@host"
 * from an address that a NAT may share, but a cryptographically random
 * identifier: new for every RTP session (`perSessionCname`), the same for
 * every session of this run of the software (`shortTermCname`), or a UUID
 * the application stores and uses for ever (`longTermCname`).
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** 96 random bits in Base64: 16 characters. */
// @implements RFC7022 P6L25-P6L27, P5L44-P5L46, P5L28-P5L33
const random96 = (): string => randomBytes(12).toString('base64');

/** A per-session CNAME: 96 random bits, 16 Base64 characters, no "user@" part. */
// RFC 7022 updates §6.5.1's format: "user@host" and an IPv4 "host" are replaced by a random identifier.
// @implements RFC7022 P5L40-P6L3, P4L3-P4L8
// @implements RFC3550 P47L1-P47L2, P47L11-P47L12
// @exception RFC3550 P47L4-P47L6: per-session CNAMEs (RFC 7022 §4.1); an application syncing several sessions passes one CNAME to each (RtpSession's cname option), or uses shortTermCname()
// @exception RFC3550 P47L8-P47L9, P47L12-P47L16, P47L30-P47L31, P47L38-P47L40: RFC 7022 §4 replaces the user@host format, whose IPv4 "host" it makes NOT RECOMMENDED
export const perSessionCname = (): string => random96();

let shortTerm: string | undefined;

/**
 * A short-term persistent CNAME: drawn once per run of the software, then the
 * same for every session of it, so that the streams one endpoint sends for
 * synchronization (audio and video) share it.
 */
// @implements RFC7022 P5L25-P5L31, P4L16-P4L18, P5L14-P5L16
export const shortTermCname = (): string => (shortTerm ??= random96());

/** A long-term persistent CNAME: a version 4 UUID, without "urn:uuid:", for the application to store. */
// @implements RFC7022 P5L18-P5L23
export const longTermCname = (): string => randomUUID();
