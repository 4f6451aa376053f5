/**
 * Test messages taken from the RFC texts at test time, never retyped:
 * - RFC 4475 Appendix A: the base64 block is a gzipped tar of one `.dat`
 *   file per message; each file's name is given under "Message Details" in
 *   the section that discusses it.
 * - RFC 3665 §2 and §3: the messages of the call flows, indented blocks
 *   after headings like "F1 REGISTER Bob -> SIP Server".
 */
import { gunzipSync } from 'node:zlib';
import { realDoc } from './docs.ts';

/** One member of a tar archive. */
interface TarEntry {
  name: string;
  data: Uint8Array;
}

/**
 * A minimal ustar reader: 512-octet headers (name at 0..100, octal size at
 * 124..136, type flag at 156), data padded to 512, two zero blocks at the end.
 */
function readTar(tar: Uint8Array): TarEntry[] {
  const out: TarEntry[] = [];
  const text = (from: number, to: number) => Buffer.from(tar.subarray(from, to)).toString('latin1').replace(/\0[\s\S]*$/, '');
  for (let off = 0; off + 512 <= tar.length; ) {
    const name = text(off, off + 100);
    if (name === '') break;
    const size = parseInt(text(off + 124, off + 136).trim(), 8);
    if (!Number.isFinite(size)) throw new Error(`tar: bad size field for ${name}`);
    const type = String.fromCharCode(tar[off + 156]);
    if (type === '0' || type === '\0') out.push({ name, data: tar.slice(off + 512, off + 512 + size) });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

export interface TortureMessage {
  /** File name without .dat, as in "Message Details : wsinv". */
  name: string;
  /** The RFC 4475 section discussing it, e.g. "3.1.1.1". */
  section: string;
  title: string;
  bytes: Uint8Array;
}

let torture: Promise<TortureMessage[]> | undefined;

/** Every message of RFC 4475 Appendix A with the section that discusses it. */
export function tortureMessages(): Promise<TortureMessage[]> {
  return (torture ??= (async () => {
    const doc = await realDoc('RFC4475');
    const lines = doc.lines.map((l) => l.text);
    const begin = lines.findIndex((l) => l.trim() === '-- BEGIN MESSAGE ARCHIVE --');
    const end = lines.findIndex((l) => l.trim() === '-- END MESSAGE ARCHIVE --');
    if (begin < 0 || end < begin) throw new Error('RFC4475: no message archive in Appendix A');
    const b64 = lines.slice(begin + 1, end).filter((l) => /^\s*\S+\s*$/.test(l)).map((l) => l.trim()).join('');
    const files = readTar(gunzipSync(Buffer.from(b64, 'base64')));
    // "3.1.1.1.  A Short Tortuous INVITE" ... "Message Details : wsinv"
    const sectionOf = new Map<string, { section: string; title: string }>();
    let current = { section: '', title: '' };
    for (const l of lines) {
      const h = /^(\d+(?:\.\d+)+)\.\s+(.*)$/.exec(l);
      if (h) current = { section: h[1], title: h[2].trim() };
      const m = /^\s+Message Details : (\S+)/.exec(l);
      if (m) sectionOf.set(m[1], current);
    }
    return files.flatMap((f) => {
      const name = f.name.replace(/^.*\//, '').replace(/\.dat$/, '');
      const where = sectionOf.get(name);
      return where ? [{ name, section: where.section, title: where.title, bytes: f.data }] : [];
    });
  })());
}

export interface FlowMessage {
  /** "2.1 F1 REGISTER Bob -> SIP Server" */
  label: string;
  section: string;
  /** Where the heading is, as a ref: "P5L32". */
  at: string;
  text: string;
  /** Content-Length stated in the message, and the octets of the body as printed. */
  declaredLength: number | undefined;
  bodyLength: number;
}

let flows: Promise<FlowMessage[]> | undefined;

/**
 * The messages of RFC 3665 §2 (registration) and §3 (session setup): after
 * each "Fn ..." heading, the indented lines up to the next heading, comment
 * or section; indentation of 3 removed (continuation lines keep one space),
 * lines joined with CRLF, the body after the first empty line.
 */
export function callFlowMessages(): Promise<FlowMessage[]> {
  return (flows ??= (async () => {
    const doc = await realDoc('RFC3665');
    const out: FlowMessage[] = [];
    let section = '';
    let inScope = false;
    const L = doc.lines;
    for (let i = 0; i < L.length; i++) {
      const t = L[i].text;
      const h = /^(\d+(?:\.\d+)*)\.\s+\S/.exec(t);
      if (h) {
        section = h[1];
        inScope = section.startsWith('2') || section.startsWith('3');
        continue;
      }
      const f = /^ {3}(F\d+ .*)$/.exec(t);
      if (!inScope || !f) continue;
      const body: string[] = [];
      let j = i + 1;
      while (j < L.length && L[j].text.trim() === '') j++;
      for (; j < L.length; j++) {
        const x = L[j].text;
        if (/^ {3}F\d+ /.test(x) || /^\s*\/\*/.test(x) || (x.trim() !== '' && !x.startsWith('   '))) break;
        body.push(x.startsWith('   ') ? x.slice(3) : x);
      }
      while (body.length > 0 && body[body.length - 1].trim() === '') body.pop();
      const blank = body.findIndex((x) => x.trim() === '');
      const headLines = blank < 0 ? body : body.slice(0, blank);
      const bodyLines = blank < 0 ? [] : body.slice(blank + 1);
      const bodyText = bodyLines.length > 0 ? bodyLines.join('\r\n') + '\r\n' : '';
      const cl = headLines.map((x) => /^(?:Content-Length|l)\s*:\s*(\d+)/i.exec(x)).find((m) => m);
      out.push({
        label: `${section} ${f[1]}`,
        section,
        at: `P${L[i].page}L${L[i].line}`,
        text: headLines.join('\r\n') + '\r\n\r\n' + bodyText,
        declaredLength: cl ? Number(cl[1]) : undefined,
        bodyLength: Buffer.byteLength(bodyText),
      });
      i = j - 1;
    }
    return out;
  })());
}
