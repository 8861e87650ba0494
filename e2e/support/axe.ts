import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE, screenshot } from './browser.js';

// Evaluated over CDP rather than added as a script tag: the app's CSP (script-src 'self') rightly refuses inline scripts.
const AXE = readFileSync(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');

export type Size = 'phone' | 'desktop';

export interface Violation {
  screen: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2 A/AA rules and best practices) on the page as it is and screenshots it to
 * e2e/artifacts/<journey>/<size>-<screen>.png; returns serious and critical findings, and skipped heading levels.
 */
export async function audit(page: Page, journey: string, screen: string, size: Size = 'phone'): Promise<Violation[]> {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
      passes: unknown[];
    }
    const results = await axe.run(document, { resultTypes: ['violations'] });
    // A screen with hardly any rule applied would mean axe looked at an empty page.
    if (results.passes.length < 10) throw new Error(`axe applied only ${results.passes.length} rules`);
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
    }));
  });
  await screenshot(page, journey, `${size}-${screen}`);
  return (
    found
      // heading-order is only moderate, but a skipped level misleads anyone navigating by headings.
      .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order')
      .map((v) => ({ screen: `${size} ${screen}`, ...v }))
  );
}

/**
 * Audits the screen at the size it is shown, then at the other size (after the layout has
 * settled), then puts the viewport back so the journey goes on as before.
 */
export async function auditBothSizes(page: Page, journey: string, screen: string): Promise<Violation[]> {
  const first: Size = (page.viewportSize()?.width ?? PHONE.width) >= DESKTOP.width ? 'desktop' : 'phone';
  const second: Size = first === 'phone' ? 'desktop' : 'phone';
  const found = await audit(page, journey, screen, first);
  await page.setViewportSize(second === 'phone' ? PHONE : DESKTOP);
  await settled(page);
  found.push(...(await audit(page, journey, screen, second)));
  await page.setViewportSize(first === 'phone' ? PHONE : DESKTOP);
  await settled(page);
  return found;
}

/** Two animation frames: the layout for a new viewport size has been computed and painted. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}
