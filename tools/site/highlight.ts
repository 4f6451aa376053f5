/**
 * TypeScript highlighting with shiki, once per distinct text. Colours become
 * classes (a light and a dark colour each), collected into a stylesheet, so
 * pages carry no inline styles and pass a strict Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import { createHighlighter, type BundledTheme, type ThemedToken, type ThemeRegistrationResolved } from 'shiki';
import { esc } from './html.ts';

const THEMES = { light: 'github-light', dark: 'github-dark' } as const;
/** The name of the one theme tokenized with (see dualTheme). */
const DUAL = 'rfcdoc-dual';

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

/**
 * Theme colours replaced on the page: each reads below WCAG AA's 4.5:1 for
 * text on the site's background (#e36209 on white is 3.48:1, #6a737d on
 * #0d1117 3.93:1) or on a proposal's added and removed lines (#d73a49 on
 * the removed lines' #ffebe9 is 3.99:1). Each replacement is the same hue,
 * darkened until it reads at 4.6:1 on all three. test/site/a11y.test.ts
 * checks every colour of both themes.
 */
const AA_COLOURS: Record<keyof typeof THEMES, Readonly<Record<string, string>>> = {
  light: { '#e36209': '#b64900', '#6a737d': '#636c75', '#22863a': '#1f7b35', '#d73a49': '#c53543' },
  dark: { '#6a737d': '#9198a1' },
};
/** The colour a theme's `colour` is shown in. */
export const shownColour = (theme: keyof typeof THEMES, colour: string) => AA_COLOURS[theme][colour.toLowerCase()] ?? colour.toLowerCase();
export { THEMES as SYNTAX_THEMES };

const hash = (s: string) => createHash('sha1').update(s).digest('hex');

/**
 * Every line tokenized whole. shiki's default stops a line after 500 ms and
 * leaves the rest plain, so on a busy machine the same text came out
 * highlighted differently (test/site/highlight-time.test.ts).
 */
const WHOLE_LINES = { tokenizeTimeLimit: 0 } as const;

/**
 * GitHub's light and dark themes have the same scope rules in the same
 * order, differing only in colours. So one tokenization can serve both: a
 * theme with those rules whose colours are markers, one per rule, each marker
 * standing for the rule's light and dark colour. That halves shiki's work
 * against tokenizing once per theme (codeToTokensWithThemes), with the same
 * result (test/site/highlight.test.ts compares them).
 */
function dualTheme(light: ThemeRegistrationResolved, dark: ThemeRegistrationResolved) {
  if (light.settings.length !== dark.settings.length) throw new Error('light and dark themes do not have parallel rules');
  const markers = new Map<string, Style>();
  const settings = light.settings.map((rule, i) => {
    const other = dark.settings[i]!;
    if (JSON.stringify(rule.scope) !== JSON.stringify(other.scope)) throw new Error(`theme rule ${i} differs in scope`);
    const l = rule.settings;
    const d = other.settings;
    if (!l.foreground && !d.foreground) return rule;
    const marker = `#${(i + 1).toString(16).padStart(6, '0')}`;
    markers.set(marker, {
      light: (l.foreground ?? light.fg).toLowerCase(),
      dark: (d.foreground ?? dark.fg).toLowerCase(),
      lightFont: fontBits(l.fontStyle),
      darkFont: fontBits(d.fontStyle),
    });
    return { ...rule, settings: { ...l, foreground: marker } };
  });
  const theme: ThemeRegistrationResolved = { ...light, name: DUAL, settings, fg: '#000000', bg: '#ffffff', colorReplacements: {} };
  markers.set('#000000', { light: light.fg.toLowerCase(), dark: dark.fg.toLowerCase(), lightFont: 0, darkFont: 0 });
  return { theme, markers };
}

function fontBits(fontStyle: string | undefined): number {
  if (!fontStyle) return 0;
  return (fontStyle.includes('italic') ? 1 : 0) | (fontStyle.includes('bold') ? 2 : 0) | (fontStyle.includes('underline') ? 4 : 0);
}

export async function createSiteHighlighter(): Promise<Highlighter> {
  const shiki = await createHighlighter({ themes: Object.values(THEMES), langs: ['typescript'] });
  const lightTheme = shiki.getTheme(THEMES.light);
  const darkTheme = shiki.getTheme(THEMES.dark);
  const fg = { light: lightTheme.fg.toLowerCase(), dark: darkTheme.fg.toLowerCase() };
  const dual = dualTheme(lightTheme, darkTheme);
  await shiki.loadTheme(dual.theme);
  const classes = new Map<string, { name: string; style: Style }>();
  const cache = new Map<string, string[]>();
  let misses = 0;

  function classOf(t: ThemedToken): string | undefined {
    const base = dual.markers.get((t.color ?? '#000000').toLowerCase());
    if (!base) throw new Error(`highlight: unknown colour marker ${t.color}`);
    // A rule may set only a font style; the token then shows it in both themes.
    const font = t.fontStyle && t.fontStyle > 0 ? t.fontStyle : 0;
    const style: Style = font ? { ...base, lightFont: base.lightFont | font, darkFont: base.darkFont | font } : base;
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
      const tokens = shiki.codeToTokensBase(code, { lang: 'typescript', theme: DUAL as BundledTheme, ...WHOLE_LINES });
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
      const light = rows.map(({ name, style: s }) => `.${name}{color:${shownColour('light', s.light)};${font(s.lightFont)}}`);
      const dark = rows.map(({ name, style: s }) => `.${name}{color:${shownColour('dark', s.dark)};${s.lightFont !== s.darkFont ? font(s.darkFont) : ''}}`);
      return `/* Syntax colours (shiki ${THEMES.light} / ${THEMES.dark}) */\n:root{--code-fg:${shownColour('light', fg.light)}}\n${light.join('\n')}\n@media (prefers-color-scheme: dark){\n:root{--code-fg:${shownColour('dark', fg.dark)}}\n${dark.join('\n')}\n}\n`;
    },
  };
}

/** Token colours as `light|dark` from one tokenization with the merged theme, per text: for tests. */
export async function dualColours(codes: readonly string[]): Promise<[string, string][][][]> {
  const shiki = await createHighlighter({ themes: Object.values(THEMES), langs: ['typescript'] });
  try {
    const dual = dualTheme(shiki.getTheme(THEMES.light), shiki.getTheme(THEMES.dark));
    await shiki.loadTheme(dual.theme);
    return codes.map((code) =>
      shiki.codeToTokensBase(code, { lang: 'typescript', theme: DUAL as BundledTheme, ...WHOLE_LINES }).map((line) =>
        line.map((t) => {
          const m = dual.markers.get((t.color ?? '#000000').toLowerCase())!;
          return [t.content, `${m.light}|${m.dark}`] as [string, string];
        }),
      ),
    );
  } finally {
    shiki.dispose();
  }
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
