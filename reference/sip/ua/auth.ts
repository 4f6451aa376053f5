// @implements RFC3261 (SIP)
/**
 * The UAC's answer to a 401 or 407 (RFC 3261 §8.1.3.5, §22.2, §22.3): the
 * same request again — same Call-ID, From, To — with a new branch, the CSeq
 * incremented, and credentials computed by reference/auth/digest for the
 * challenge in WWW-Authenticate or Proxy-Authenticate.
 */
import { buildAuthorization, chooseChallenge, parseChallenges } from '../../auth/digest.ts';
import { formatUri } from '../syntax/uri.ts';
import { cseq, type Request, type Response } from '../syntax/message.ts';
import { newBranch } from '../core/ids.ts';

export interface Credentials {
  username: string;
  password: string;
}

/**
 * The retried request, or undefined when the response is not a challenge
 * this client can answer (no Digest challenge with a known algorithm).
 */
// @implements RFC3261 P45L15-P45L18, P196L10-P196L11, P197L28-P197L30
export function retryWithCredentials(request: Request, response: Response, credentials: Credentials): Request | undefined {
  const challengeHeader = response.status === 401 ? 'WWW-Authenticate' : response.status === 407 ? 'Proxy-Authenticate' : undefined;
  if (challengeHeader === undefined) return undefined;
  const authorizationHeader = response.status === 401 ? 'Authorization' : 'Proxy-Authorization';
  const values = response.headers.lines(challengeHeader).map((line) => line.value);
  const challenge = chooseChallenge(parseChallenges(values));
  if (challenge === undefined) return undefined;

  const retried: Request = { ...request, headers: request.headers.clone() };
  // @implements RFC3261 P196L45-P196L48
  retried.headers.set('CSeq', `${cseq(request).seq + 1} ${request.method}`);
  // A new transaction: a new branch in the top Via (the transport rewrites sent-by again).
  // @implements RFC3261 P39L32-P39L33
  const topVia = retried.headers.removeFirst('Via') ?? '';
  retried.headers.prepend('Via', topVia.replace(/;\s*branch=[^;,\s]*/i, `;branch=${newBranch()}`).replace(/;\s*rport(=\d+)?/i, ''));
  // Credentials for the same realm replace any sent before.
  retried.headers.remove(authorizationHeader);
  const authorization = buildAuthorization({
    challenge,
    username: credentials.username,
    password: credentials.password,
    method: request.method,
    uri: formatUri(request.requestUri),
    body: request.body,
  });
  // @implements RFC3261 P196L24-P196L28
  retried.headers.append(authorizationHeader, authorization.header);
  return retried;
}
