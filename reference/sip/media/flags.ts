/**
 * The media options of `uas` and `call` that run the call's audio
 * (callMedia.ts): --play FILE.wav, --record OUT.wav, --dtmf DIGITS (call),
 * --echo (uas). A bad value is a UsageError (exit 2) naming the option; a
 * file that is not a WAV file this takes is refused before any call.
 */
import { UsageError } from '../../../tools/command.ts';
import { DTMF_DIGITS } from '../../rtp/dtmf/events.ts';
import { readWavFile, writeWav } from '../../rtp/media/wav.ts';
import { writeOut } from '../../rtp/commands/output.ts';
import { digitsSeconds, MAX_DIGITS } from '../../rtp/commands/media.ts';

export const playOptions = {
  play: { type: 'string' },
  record: { type: 'string' },
  'rtcp-mux': { type: 'boolean' },
} as const;

export const playUsage = `  --play FILE.wav   play it to the other side (16-bit, 8 kHz, mono), with the negotiated codec
  --record OUT.wav  write what the other side sent (16-bit, 8 kHz, mono) when the call ends
                    the RTP goes to the address and port of the other side's SDP, RTCP to port + 1,
                    from --port (even: RTCP takes the next one); hanging up sends RTCP BYE
  --rtcp-mux        offer and accept RTP and RTCP on one port (a=rtcp-mux, RFC 5761): used when both SDPs say it`;

export interface PlayFlags {
  play?: Int16Array;
  /** Seconds of what there is to send: the file (8 kHz), and the digits as their schedule places them (rtp/commands/media.ts). */
  sendSeconds: number;
  record?: string;
  dtmf?: string;
  echo: boolean;
  rtcpMux: boolean;
}

/** The media flags given; `media` is true when any asks for RTP to run. */
export function playFlags(values: Record<string, unknown>, port: number): PlayFlags & { media: boolean } {
  const flags: PlayFlags = { sendSeconds: 0, echo: values.echo === true, rtcpMux: values['rtcp-mux'] === true };
  if (typeof values.play === 'string') {
    try {
      flags.play = readWavFile(values.play);
    } catch (e) {
      throw new UsageError(`--play ${values.play}: ${(e as Error).message}`);
    }
  }
  if (typeof values.record === 'string') {
    writeOut('record', values.record, writeWav(new Int16Array(0))); // refused now, not after the call
    flags.record = values.record;
  }
  if (values.dtmf !== undefined) {
    const digits = String(values.dtmf).toUpperCase();
    if (digits.length === 0 || digits.length > MAX_DIGITS || [...digits].some((d) => !DTMF_DIGITS.includes(d))) throw new UsageError(`--dtmf wants 1 to ${MAX_DIGITS} of ${DTMF_DIGITS}, got ${JSON.stringify(values.dtmf)}`);
    flags.dtmf = digits;
  }
  flags.sendSeconds = Math.max((flags.play?.length ?? 0) / 8000, digitsSeconds(flags.dtmf ?? ''));
  if (flags.echo && flags.play) throw new UsageError('--echo sends back what it hears; --play plays a file: give one');
  const media = flags.play !== undefined || flags.record !== undefined || flags.dtmf !== undefined || flags.echo;
  // RTP on an even port, RTCP on the odd one above (RFC 3550 §11): our SDP names only the RTP one,
  // with or without media running here (the far end sends RTCP to port + 1; above 65535 there is none).
  if (port % 2 === 1) throw new UsageError(`--port ${port} is odd: RTP takes an even port and RTCP the one above (RFC 3550 §11)`);
  return { ...flags, media };
}
