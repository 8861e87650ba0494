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
  if (size === 'phone') found.push(...(await smallTouchTargets(page)), ...(await sidewaysScroll(page)));
  await screenshot(page, journey, `${size}-${screen}`);
  return (
    found
      // heading-order is only moderate, but a skipped level misleads anyone navigating by headings.
      .filter(
        (v) =>
          v.impact === 'serious' ||
          v.impact === 'critical' ||
          v.id === 'heading-order' ||
          v.id === 'touch-target-44' ||
          v.id === 'reflow-360',
      )
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

/**
 * Controls smaller than 44×44 CSS px at phone size (the project's rule; axe's target-size only asks 24).
 * A checkbox or radio counts with its label, which takes the tap; links inside running text are exempt, as in WCAG 2.5.5.
 */
async function smallTouchTargets(page: Page) {
  const small = await page.evaluate(() => {
    const out: string[] = [];
    const inRunningText = (link: HTMLElement) => {
      let block = link.parentElement;
      while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
      return !!block && (block.textContent ?? '').trim().length > (link.textContent ?? '').trim().length;
    };
    const controls = document.querySelectorAll<HTMLElement>(
      'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="option"], [role="tab"]',
    );
    for (const el of controls) {
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || el.closest('[hidden], [aria-hidden="true"]')) continue;
      let box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      // A checkbox, a radio or a visually hidden input (a styled file picker) is tapped through its label.
      if (el.matches('input[type="checkbox"], input[type="radio"]') || (el.matches('input') && box.width <= 1)) {
        const label = el.closest('label') ?? (el.id ? document.querySelector<HTMLElement>(`label[for="${el.id}"]`) : null);
        if (label) box = label.getBoundingClientRect();
      }
      // Off screen until focused, like the skip link: measured when it shows.
      if (box.right <= 0 || box.bottom <= 0) continue;
      if (el.matches('a') && style.display === 'inline' && inRunningText(el)) continue;
      if (box.width < 44 || box.height < 44) {
        const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
        const cls = el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        out.push(`${el.tagName.toLowerCase()}${cls} «${name}» ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return out;
  });
  return small.length
    ? [{ id: 'touch-target-44', impact: 'serious', help: 'Touch targets at least 44×44 px at phone size', targets: small }]
    : [];
}

/** At 360 px nothing may make the whole page scroll sideways (WCAG 1.4.10 reflow); a table may scroll inside its own box. */
async function sidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  return overflow > 0
    ? [{ id: 'reflow-360', impact: 'serious', help: 'The page scrolls sideways at 360 px', targets: [`${overflow} px too wide`] }]
    : [];
}
