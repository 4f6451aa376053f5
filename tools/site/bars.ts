/**
 * Stacked coverage bars: one inline SVG per set of figures, made at build
 * time (no script draws them), one segment per status in STATUSES order
 * (tested, implemented, excepted, to do, missing), each as wide as its
 * share of the requirements. Colour is never the only carrier: the SVG is
 * role="img" with the counts in words as its label, and `barLegend` writes
 * the same counts visibly beside a swatch per status. Colours come from
 * assets/requirements.css (the site's custom properties, light and dark),
 * so the markup holds no colour and no inline style (the site's CSP).
 */
import { esc } from './html.ts';
import { figuresText, STATUS_NAME, STATUSES, type Figures } from './figures.ts';

const WIDTH = 120;
const HEIGHT = 10;

/**
 * The bar for `f`, labelled `what` (`RFC 3261`, `§17 Transactions`).
 * Segment widths are rounded to tenths and the last shown segment takes
 * what rounding left, so the bar is always exactly full.
 */
export function stackedBar(f: Figures, what: string): string {
  const label = `${what}: ${figuresText(f)}`;
  const shown = STATUSES.filter((s) => f.counts[s] > 0);
  let x = 0;
  const rects = shown.map((s, i) => {
    const w = i === shown.length - 1 ? WIDTH - x : Math.round((10 * WIDTH * f.counts[s]) / f.total) / 10;
    const rect = `<rect class="b-${s}" x="${round(x)}" width="${round(w)}" height="${HEIGHT}"/>`;
    x += w;
    return rect;
  });
  // No requirement: an empty outline, still labelled, so a row of bars never has a hole.
  return `<svg class="covbar" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${esc(label)}"><rect class="b-frame" width="${WIDTH}" height="${HEIGHT}"/>${rects.join('')}</svg>`;
}

/** The bar's counts in words, each after its status's swatch: what the bar shows, for those who do not tell its colours apart. */
export function barLegend(f: Figures): string {
  const items = STATUSES.filter((s) => s !== 'todo' || f.counts.todo > 0).map(
    (s) => `<span class="sw b-${s}" aria-hidden="true"></span>${f.counts[s]} ${STATUS_NAME[s].toLowerCase()}`,
  );
  return `<span class="barlegend">${items.join(' ')}</span>`;
}

const round = (n: number) => String(Math.round(n * 10) / 10);
