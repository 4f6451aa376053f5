/**
 * The SIP user agent in one import: UserAgent (UA core), Call, Dialog and the
 * message-level rules they are built from.
 *
 * @implements RFC3261 (SIP)
 */
export { UserAgent, type UserAgentOptions, type Outcome, type InviteOptions } from './userAgent.ts';
export { Call, type CallState } from './call.ts';
export { Dialog, dialogKey, uacDialogId, uasDialogId, createsDialog, initialSeq, type DialogId, type DialogState } from './dialog.ts';
export { Accepted2xx } from './accepted.ts';
export { createUacRequest, createDialogRequest, buildAck2xx, nextHop, uriDestination, viaValue, MAX_FORWARDS } from './uac.ts';
export { buildCancel } from '../transaction/cancel.ts';
export { inspectRequest, optionsResponse, acceptsType, defaultCapabilities, type Capabilities } from './uas.ts';
export { retryWithCredentials, type Credentials } from './auth.ts';
export { newTag, newCallId, newBranch } from '../core/ids.ts';
export { sessionBody, readSdp, capabilitiesSdp, summary, type Change, type Refusal } from './session.ts';
