/**
 * The RFC Editor's plain-text index, `rfc-index.txt`: one citation per RFC,
 * wrapped over lines and separated by blank lines,
 *
 *     3261 SIP: Session Initiation Protocol. J. Rosenberg, H. Schulzrinne, G.
 *          Camarillo, …. July 2002. (Format: TXT, HTML) (Obsoletes RFC2543)
 *          (Updated by RFC3265, …) (Status: PROPOSED STANDARD) (DOI: …)
 *
 * It gives an RFC its real title (the first page of an old RFC has none a
 * program can find) and its relations to other RFCs.
 */

export interface Relations {
  /** "PROPOSED STANDARD", "UNKNOWN", … as the index spells it. */
  status?: string;
  /** Documents as the index names them: `RFC2543` (leading zeros dropped). */
  obsoletes: string[];
  obsoletedBy: string[];
  updates: string[];
  updatedBy: string[];
}

export interface IndexEntry extends Relations {
  number: number;
  title: string;
}

/** An entry begins with its number in column 0; continuation lines are indented. */
const ENTRY_START = /^0*(\d{1,5}) (\S.*)$/;
const FIELD = /\((Obsoleted by|Obsoletes|Updated by|Updates|Status:|Format:|Also|DOI:)\s+([^()]*)\)/g;
const MONTH = 'January|February|March|April|May|June|July|August|September|October|November|December';
/** The issue date closes the title and authors: `. July 2002.` (some give a day: `1 April 1999`). */
const DATE = new RegExp(`\\.\\s+(?:\\d{1,2}\\s+)?(?:${MONTH})\\s+\\d{4}\\.(?=\\s*(?:\\(|$))`);
/**
 * One person as the index names authors: initials, plain (`J.`), joined
 * (`S.D.`, `E. M.`, `J.-M.`), hyphenated (`M-K.`), of several letters (`HF.`,
 * `WCH.`) or bracketed (`Y(J).`), then a surname of one or more words
 * (`Rosenberg`, `de Vivo`, `Tüxen`, `St. Johns`, `Reddy.K`, `Eastlake 3rd`,
 * `Smith Jr.`).
 */
const PERSON = /^(?:\p{Lu}\p{L}{0,3}\.(?:[ -]?\p{Lu}\p{L}{0,2}\.)*|\p{Lu}\p{Ll}?-\p{Lu}\p{Ll}?\.|\p{Lu}\(\p{Lu}\)\.?) ?(?:St\. ?)?[\p{L}\p{N}'’-]+(?:\.\p{L}+)*(?: [\p{L}\p{N}'’-]+)*(?: Jr\.)?$/u;
/** What follows a person as a list item of its own: `Ed.`, `II`, `et al.`. */
const AFTER_PERSON = /^(?:Ed\.?|Jr\.?|I{2,3}|IV|et al\.?)$/;
/** Words whose period does not end a title: single initials (`S.`, `U.S.`) and a few abbreviations. */
const ABBREVIATION = /(?:^|\s)(?:(?:[A-Za-z]\.)*[A-Za-z]|No|Inc|Vol|Corp|Ltd|Co|St|vs|etc|Dr|Jr|Mr)$/;
/** Of those, the ones whose period belongs to a title that ends there (`M.I.T.`, `…, etc.`), unlike a lone letter. */
const OWN_PERIOD = /(?:(?:^|\s)(?:[A-Za-z]\.)+[A-Za-z]|(?:^|\s)etc)$/;

/** The fields that list documents, and where they go. */
const LISTS: Record<string, 'obsoletes' | 'obsoletedBy' | 'updates' | 'updatedBy'> = {
  Obsoletes: 'obsoletes',
  'Obsoleted by': 'obsoletedBy',
  Updates: 'updates',
  'Updated by': 'updatedBy',
};

/** Parses the index; entries `Not Issued` are left out. */
export function parseRfcIndex(text: string): Map<number, IndexEntry> {
  const out = new Map<number, IndexEntry>();
  let block: string[] = [];
  const flush = () => {
    if (block.length > 0) {
      const entry = parseEntry(block.join(' ').replace(/\s+/g, ' ').trim());
      if (entry) out.set(entry.number, entry);
    }
    block = [];
  };
  for (const line of text.split(/\r?\n/)) {
    if (ENTRY_START.test(line)) {
      flush();
      block.push(line);
    } else if (line.trim() === '') flush();
    else if (block.length > 0 && /^\s/.test(line)) block.push(line);
    else flush(); // prose of the preamble, not an entry
  }
  flush();
  return out;
}

function parseEntry(citation: string): IndexEntry | undefined {
  const m = ENTRY_START.exec(citation)!;
  const number = Number(m[1]);
  const rest = m[2]!;
  if (/^Not Issued\.?$/i.test(rest)) return undefined;
  const entry: IndexEntry = { number, title: '', obsoletes: [], obsoletedBy: [], updates: [], updatedBy: [] };
  let firstField = rest.length;
  for (const f of rest.matchAll(FIELD)) {
    firstField = Math.min(firstField, f.index);
    const value = f[2]!.trim();
    const docs = () => value.split(/\s*,\s*/).filter(Boolean).map((d) => d.replace(/^RFC\s*0*(\d+)$/i, 'RFC$1'));
    const key = f[1]!;
    if (key === 'Status:') entry.status = value;
    else if (key in LISTS) entry[LISTS[key]!] = docs();
  }
  const cited = rest.slice(0, firstField).trim();
  const date = DATE.exec(cited);
  entry.title = splitTitle(date ? cited.slice(0, date.index) : cited.replace(/\.$/, ''));
  return entry.title === '' ? undefined : entry;
}

/**
 * `Title. Author, Author` → `Title`. A title may hold periods of its own
 * (`Report No. 1822`, `U.S. Government`, `ITU-T Rec. H.263`), and authors
 * may be organisations (`Network Information Center. Stanford Research
 * Institute.`), so the end of the title is, in this order of preference:
 *  1. the first `. ` not after an initial or abbreviation after which only
 *     persons follow;
 *  2. the first `. ` not after an initial or abbreviation (organisations);
 *  3. the first `. ` after which only persons follow (a title ending in a
 *     letter: `BCP 47 Extension U. M. Davis`);
 *  4. failing all, everything.
 */
function splitTitle(titleAndAuthors: string): string {
  const ends: number[] = [];
  for (let i = titleAndAuthors.indexOf('. '); i >= 0; i = titleAndAuthors.indexOf('. ', i + 1)) ends.push(i);
  const personsFollow = (end: number) =>
    titleAndAuthors
      .slice(end + 2)
      .split(', ')
      .every((a, i) => PERSON.test(a) || (i > 0 && AFTER_PERSON.test(a)));
  const abbreviated = (end: number) => ABBREVIATION.test(titleAndAuthors.slice(0, end));
  const end = ends.find((e) => !abbreviated(e) && personsFollow(e)) ?? ends.find((e) => !abbreviated(e)) ?? ends.find(personsFollow);
  if (end === undefined) return titleAndAuthors.trim();
  const title = titleAndAuthors.slice(0, end);
  return (OWN_PERIOD.test(title) ? `${title}.` : title).trim();
}

/** The index's relations of an entry, without its number and title. */
export function relationsOf(entry: IndexEntry): Relations {
  const { number: _n, title: _t, ...relations } = entry;
  return relations;
}
