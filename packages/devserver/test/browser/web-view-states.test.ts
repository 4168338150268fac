import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Complexity,
  Harness,
  Outcome,
  Provider,
  type TaskCompletionEvent,
  TaskType,
} from '@mosaicstack/telemetry-semconv';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/index.js';
import { postJson } from '../post-json.js';
import { launchChromium } from './launch-chromium.js';
import { sampleTasks } from './sample-tasks.js';

/** The README's screenshot, rewritten by this test when MOSAIC_UPDATE_SCREENSHOTS=1. */
const README_SCREENSHOT = fileURLToPath(
  new URL('../../../../docs/devserver-web-view.png', import.meta.url),
);
const VIEWPORTS = [
  { width: 1400, height: 900 },
  { width: 390, height: 844 },
] as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// A page load, several polls and a redraw per step: generous on a loaded machine.
describe('devserver web view states', { timeout: 90_000 }, () => {
  let browser: Browser;
  let server: DevServer | undefined;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    expect(pageErrors).toEqual([]);
  });

  async function seeded(): Promise<{ server: DevServer; tasks: TaskCompletionEvent[] }> {
    const started = await startDevServer({ rateLimit: false });
    server = started;
    const tasks = sampleTasks(started.instanceId, Date.now());
    for (let i = 0; i < tasks.length; i += 100) {
      const answer = await postJson<{ accepted: number }>(started, '/v1/events/batch', {
        events: tasks.slice(i, i + 100),
      });
      expect(answer.body.accepted).toBe(Math.min(100, tasks.length - i));
    }
    return { server: started, tasks };
  }

  async function open(
    url: string,
    viewport: { width: number; height: number },
    colorScheme: 'light' | 'dark' = 'light',
  ): Promise<Page> {
    const page = await browser.newPage({ viewport, colorScheme });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url);
    return page;
  }

  /** Horizontal overflow of the page itself (a table may scroll inside its own box). */
  const overflow = (page: Page) =>
    page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
  const card = (page: Page, id: string) => page.locator(`#card-${id}`).textContent();
  const chartLabels = (page: Page, id: string) =>
    page.evaluate(
      (canvasId) =>
        (
          globalThis as unknown as {
            Chart: { getChart(id: string): { data: { labels: string[] } } | undefined };
          }
        ).Chart.getChart(canvasId)?.data.labels ?? [],
      id,
    );
  const within = (tasks: TaskCompletionEvent[], ms: number) =>
    tasks.filter((t) => Date.parse(t.timestamp) >= Date.now() - ms);
  const fmt = (n: number) => n.toLocaleString('en-US');

  for (const viewport of VIEWPORTS) {
    describe(`at ${viewport.width}x${viewport.height}`, () => {
      it('drives the cards, charts and table from the time range and filters kept in the URL', async () => {
        const { server, tasks } = await seeded();
        const page = await open(server.webUrl, viewport);
        await expect.poll(() => card(page, 'tasks')).toBe(fmt(tasks.length));
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        expect(await page.locator('#status').textContent()).toContain(
          `${tasks.length} tasks stored`,
        );
        // The filters offer the semconv package's enum values, in its order.
        for (const [id, values] of [
          ['f-task-type', TaskType],
          ['f-provider', Provider],
          ['f-complexity', Complexity],
          ['f-harness', Harness],
          ['f-outcome', Outcome],
        ] as const) {
          const options = await page
            .locator(`#${id} option`)
            .evaluateAll((o) => o.map((option) => (option as unknown as { value: string }).value));
          expect(options, id).toEqual(['', ...Object.values(values)]);
        }

        // Per model: top 10 by cost and "other"; the same model under two providers apart.
        const models = await chartLabels(page, 'chart-model');
        expect(models).toHaveLength(11);
        expect(models.at(-1)).toMatch(/^other \(1\)$/);
        const allModels = [...models, ...(await chartLabels(page, 'chart-rates'))];
        expect(allModels).toContain('openai/gpt-4o');
        expect(allModels).toContain('openrouter/gpt-4o');
        expect(await chartLabels(page, 'chart-task-type')).toHaveLength(9);

        // The time range drives the cards and the series' grain.
        await page.selectOption('#range', '1h');
        const lastHour = within(tasks, HOUR);
        await expect.poll(() => card(page, 'tasks')).toBe(fmt(lastHour.length));
        expect(new URL(page.url()).searchParams.get('range')).toBe('1h');
        await expect.poll(() => page.locator('#time-caption').textContent()).toContain('per hour');
        const cost = lastHour.reduce((sum, t) => sum + t.actual_cost_usd_micros, 0);
        expect(await card(page, 'cost')).toBe(
          `$${(cost / 1e6).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
        );
        await page.selectOption('#range', '7d');
        const lastWeek = within(tasks, 7 * DAY);
        await expect.poll(() => card(page, 'tasks')).toBe(fmt(lastWeek.length));
        await expect.poll(() => page.locator('#time-caption').textContent()).toContain('per day');

        // A filter drives the cards, the charts and the table's count.
        await page.selectOption('#f-outcome', 'failure');
        const failures = lastWeek.filter((t) => t.outcome === 'failure');
        await expect.poll(() => card(page, 'tasks')).toBe(fmt(failures.length));
        expect(await card(page, 'success')).toBe('0%');
        expect(await page.locator('#task-count').textContent()).toBe(
          `${failures.length} ${failures.length === 1 ? 'task' : 'tasks'} match`,
        );
        await expect
          .poll(() => page.locator('#task-table tbody tr[data-task-id]').count())
          .toBe(failures.length);
        const types = await chartLabels(page, 'chart-task-type');
        expect(types.sort()).toEqual([...new Set(failures.map((t) => t.task_type))].sort());
        expect(await page.locator('#task-table .outcome-failure').first().textContent()).toBe(
          '✗ failure',
        );

        // Shareable: the same URL in a new tab shows the same; back steps to the unfiltered view.
        const shared = await open(page.url(), viewport);
        await expect.poll(() => card(shared, 'tasks')).toBe(fmt(failures.length));
        expect(await shared.locator('#f-outcome').inputValue()).toBe('failure');
        await shared.close();
        await page.goBack();
        await expect.poll(() => card(page, 'tasks')).toBe(fmt(lastWeek.length));
        expect(await page.locator('#f-outcome').inputValue()).toBe('');
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        await page.close();
      });

      it('sorts the table on a column both ways and opens a task in the detail panel', async () => {
        const { server, tasks } = await seeded();
        const page = await open(server.webUrl, viewport);
        const rows = page.locator('#task-table tbody tr[data-task-id]');
        await expect.poll(() => rows.count()).toBe(25);
        // Default: task time, newest first.
        const newest = [...tasks].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
        const firstRowId = async () => {
          await rows.first().click();
          const id = await page.locator('#detail-body [data-field=event_id]').textContent();
          await page.click('#detail-close');
          return id;
        };
        expect(await firstRowId()).toBe(newest[0]?.event_id);

        /** A cost as the table shows it: 2 decimals, 4 below one cent. */
        const shown = (micros: number) => {
          const dollars = micros / 1e6;
          return Number(dollars.toFixed(micros > 0 && dollars < 0.01 ? 4 : 2));
        };
        const costs = async () =>
          (
            await page
              .locator('#task-table tbody tr[data-task-id] td:nth-child(9)')
              .allTextContents()
          ).map((text) => Number(text.replace(/[$,]/g, '')));
        await page.click('#task-table th[data-sort=cost] button');
        await expect
          .poll(() => page.locator('th[data-sort=cost]').getAttribute('aria-sort'))
          .toBe('descending');
        const byCost = [...tasks].sort(
          (a, b) => b.actual_cost_usd_micros - a.actual_cost_usd_micros,
        );
        await expect
          .poll(async () => (await costs())[0])
          .toBe(shown(byCost[0]?.actual_cost_usd_micros ?? 0));
        const down = await costs();
        expect(down).toEqual([...down].sort((a, b) => b - a));
        await page.click('#task-table th[data-sort=cost] button');
        await expect
          .poll(() => page.locator('th[data-sort=cost]').getAttribute('aria-sort'))
          .toBe('ascending');
        await expect
          .poll(async () => (await costs())[0])
          .toBe(shown(byCost.at(-1)?.actual_cost_usd_micros ?? 0));
        const up = await costs();
        expect(up).toEqual([...up].sort((a, b) => a - b));
        expect(new URL(page.url()).searchParams.get('order')).toBe('asc');

        // The detail panel: estimate vs actual, gates, retries and every field of the event.
        const cheapest = byCost.at(-1) as TaskCompletionEvent;
        await rows.first().click();
        const dialog = page.locator('#task-detail');
        await expect.poll(() => dialog.isVisible()).toBe(true);
        const fields = await dialog.locator('.all-fields dt').allTextContents();
        expect(fields.sort()).toEqual(Object.keys(cheapest).sort());
        expect(await dialog.locator('.all-fields [data-field=event_id]').textContent()).toBe(
          cheapest.event_id,
        );
        expect(await dialog.locator('[data-field=retries]').textContent()).toBe(
          String(cheapest.retry_count),
        );
        expect(await dialog.locator('[data-field="gates failed"]').textContent()).toBe(
          cheapest.quality_gates_failed.join(', ') || 'none',
        );
        expect(await dialog.locator('table.estimate').textContent()).toContain(
          'actual ÷ estimated',
        );
        expect(await dialog.locator('[data-field="trace id"]').textContent()).toContain(
          'not carried',
        );
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        await page.keyboard.press('Escape');
        await expect.poll(() => dialog.isVisible()).toBe(false);

        if (viewport.width === 1400) {
          const path =
            process.env.MOSAIC_UPDATE_SCREENSHOTS === '1'
              ? README_SCREENSHOT
              : join(mkdtempSync(join(tmpdir(), 'mosaic-web-view-')), 'devserver-web-view.png');
          await page.goto(server.webUrl);
          await expect.poll(() => rows.count()).toBe(25);
          await page.screenshot({ path, fullPage: true });
          console.log(`web view screenshot: ${path}`);
        }
        await page.close();
      });

      it('shows the lines to send a first task when nothing is stored, and marks data stale when the server is down', async () => {
        const empty = await startDevServer();
        server = empty;
        const page = await open(empty.webUrl, viewport);
        await expect.poll(() => page.locator('#empty').isVisible()).toBe(true);
        expect(await page.locator('#dashboard').isVisible()).toBe(false);
        expect(await page.locator('#empty-sdk').textContent()).toBe(
          [
            'MOSAIC_TELEMETRY_ENABLED=1',
            `MOSAIC_TELEMETRY_SERVER_URL=${empty.url}`,
            `MOSAIC_TELEMETRY_API_KEY=${empty.apiKey}`,
            `MOSAIC_TELEMETRY_INSTANCE_ID=${empty.instanceId}`,
          ].join('\n'),
        );
        expect(await page.locator('#empty-otlp').textContent()).toContain(
          `OTEL_EXPORTER_OTLP_ENDPOINT=${empty.url}`,
        );
        expect(await page.locator('#status').textContent()).toContain('0 tasks stored');
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        await page.close();
        await empty.close();

        const { server: up, tasks } = await seeded();
        const live = await open(up.webUrl, viewport);
        await expect.poll(() => card(live, 'tasks')).toBe(fmt(tasks.length));
        await up.close();
        await expect.poll(() => live.locator('#stale').isVisible(), { timeout: 10_000 }).toBe(true);
        expect(await live.locator('#stale').textContent()).toContain('Cannot reach the devserver');
        expect(await live.evaluate<boolean>("document.body.classList.contains('is-stale')")).toBe(
          true,
        );
        // The last numbers stay, marked stale rather than wiped.
        expect(await card(live, 'tasks')).toBe(fmt(tasks.length));
        expect(await live.locator('#status').textContent()).toContain('offline');
        await live.close();
      });
    });
  }

  it('follows prefers-color-scheme: dark page and chart colours in dark mode, light otherwise', async () => {
    const { server } = await seeded();
    const colours = async (scheme: 'light' | 'dark') => {
      const page = await open(server.webUrl, { width: 1400, height: 900 }, scheme);
      await expect.poll(() => page.locator('#task-table tbody tr[data-task-id]').count()).toBe(25);
      // A string: the test's TypeScript has no DOM types; this runs in the page.
      const found = await page.evaluate<{
        background: string;
        text: string;
        legend: string;
        ink: string;
      }>(`({
        background: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.body).color,
        legend: Chart.getChart('chart-time').options.plugins.legend.labels.color,
        ink: getComputedStyle(document.documentElement).getPropertyValue('--ink').trim(),
      })`);
      await page.close();
      return found;
    };
    const dark = await colours('dark');
    expect(dark.background).toBe('rgb(20, 23, 28)');
    expect(dark.text).toBe('rgb(230, 232, 235)');
    expect(dark.legend).toBe(dark.ink);
    const light = await colours('light');
    expect(light.background).toBe('rgb(255, 255, 255)');
    expect(light.legend).toBe(light.ink);
    expect(light.ink).not.toBe(dark.ink);
  });
});
