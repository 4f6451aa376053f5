/** axe-core in a page of the site's browser tests: its serious and critical violations, one line per rule and element. */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);

interface Violation {
  id: string;
  impact: string | null;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * axe's serious and critical violations on the page now shown, as
 * `impact rule: selector: summary`. The page's CSP allows only the site's own
 * scripts: its context must bypass CSP (launchChromium({ bypassCSP: true })).
 */
export async function serious(p: Page): Promise<string[]> {
  await p.addScriptTag({ path: require.resolve('axe-core') });
  const violations = await p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe;
    const r = await axe.run();
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`));
}
