/**
 * Offer/answer (RFC 3264): what the SIP UA and the sdp CLI use. See README.md.
 */
export { audioCapabilities, codecsFromNames, type Capabilities, type Codec, type MediaCapabilities } from './capabilities.ts';
export { createOffer } from './offer.ts';
export { createAnswer, type AnswerResult } from './answer.ts';
export { processAnswer } from './processAnswer.ts';
export { hold, resume } from './hold.ts';
export { localAddressProblem, type Session } from './modify.ts';
export { type NegotiatedStream } from './negotiated.ts';
export { type Format } from './formats.ts';
export { type Broken } from './broken.ts';
export { offerAnswerStep, startOfferAnswer, OfferAnswerStateError, type OfferAnswer, type OfferAnswerEvent, type Stable } from './machine.ts';
