/**
 * TypeScript highlighting with shiki, once per distinct text. Colours become
 * classes (a light and a dark colour each), collected into a stylesheet, so
 * pages carry no inline styles and pass a strict Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import { createHighlighter, type ThemedTokenWithVariants } from 'shiki';
import { esc } from './html.ts';

const THEMES = { light: 'github-light', dark: 'github-dark' } as const;

export interface Highlighter {
  /** One HTML string per source line (no line breaks), cached by content hash. */
  lines(code: string): string[];
  /** The stylesheet for every class handed out so far. */
  css(): string;
  /** How many texts were highlighted (cache misses), for progress and tests. */
  readonly misses: number;
}

interface Style {
  light: string;
  dark: string;
  lightFont: number;
  darkFont: number;
}

const hash = (s: string) => createHash('sha1').update(s).digest('hex');

export async function createSiteHighlighter(): Promise<Highlighter> {
  const shiki = await createHighlighter({ themes: Object.values(THEMES), langs: ['typescript'] });
  const fg = { light: shiki.getTheme(THEMES.light).fg.toLowerCase(), dark: shiki.getTheme(THEMES.dark).fg.toLowerCase() };
  const classes = new Map<string, { name: string; style: Style }>();
  const cache = new Map<string, string[]>();
  let misses = 0;

  function classOf(t: ThemedTokenWithVariants): string | undefined {
    const l = t.variants.light!;
    const d = t.variants.dark!;
    const style: Style = {
      light: (l.color ?? fg.light).toLowerCase(),
      dark: (d.color ?? fg.dark).toLowerCase(),
      lightFont: l.fontStyle ?? 0,
      darkFont: d.fontStyle ?? 0,
    };
    if (style.light === fg.light && style.dark === fg.dark && !style.lightFont && !style.darkFont) return undefined;
    const key = `${style.light}|${style.dark}|${style.lightFont}|${style.darkFont}`;
    let c = classes.get(key);
    if (!c) {
      c = { name: `h${hash(key).slice(0, 6)}`, style };
      classes.set(key, c);
    }
    return c.name;
  }

  return {
    get misses() {
      return misses;
    },
    lines(code) {
      const key = hash(code);
      const hit = cache.get(key);
      if (hit) return hit;
      misses++;
      const tokens = shiki.codeToTokensWithThemes(code, { lang: 'typescript', themes: THEMES });
      const out = tokens.map((line) =>
        line
          .map((t) => {
            const c = classOf(t);
            return c ? `<span class="${c}">${esc(t.content)}</span>` : esc(t.content);
          })
          .join(''),
      );
      cache.set(key, out);
      return out;
    },
    css() {
      const font = (f: number) =>
        (f & 1 ? 'font-style:italic;' : '') + (f & 2 ? 'font-weight:bold;' : '') + (f & 4 ? 'text-decoration:underline;' : '');
      const rows = [...classes.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      const light = rows.map(({ name, style: s }) => `.${name}{color:${s.light};${font(s.lightFont)}}`);
      const dark = rows.map(({ name, style: s }) => `.${name}{color:${s.dark};${s.lightFont !== s.darkFont ? font(s.darkFont) : ''}}`);
      return `/* Syntax colours (shiki ${THEMES.light} / ${THEMES.dark}) */\n:root{--code-fg:${fg.light}}\n${light.join('\n')}\n@media (prefers-color-scheme: dark){\n:root{--code-fg:${fg.dark}}\n${dark.join('\n')}\n}\n`;
    },
  };
}

export interface SourceSymbol {
  name: string;
  kind: string;
  line: number;
}

const EXPORT_RE = /^export\s+(?:default\s+)?(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/;

/** Exported functions, classes, constants and types, by a line scan of the source. */
export function exportedSymbols(code: string): SourceSymbol[] {
  const out: SourceSymbol[] = [];
  code.split('\n').forEach((text, i) => {
    const m = EXPORT_RE.exec(text);
    if (m) out.push({ name: m[2]!, kind: m[1]!.replace('*', ''), line: i + 1 });
  });
  return out;
}
