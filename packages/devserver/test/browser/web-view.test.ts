import { createMosaicSpanProcessor, taskAttributes } from '@mosaicstack/telemetry-exporter';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/index.js';
import { percentile } from '../percentile.js';
import { launchChromium } from './launch-chromium.js';

/** A model name a hostile client could send: must show as text, never run. */
const HOSTILE_MODEL = '<img src=x onerror="window.__pwned=1">';
const KNOWN = {
  taskType: 'implementation',
  model: 'claude-sonnet-4-5',
  provider: 'anthropic',
  complexity: 'medium',
} as const;
/** Input tokens of the known bucket's tasks: 40 values, so its median is known exactly. */
const KNOWN_INPUTS = Array.from({ length: 40 }, (_, i) => 1_000 + 100 * i);

describe('devserver web view', () => {
  let server: DevServer;
  let browser: Browser;
  let provider: BasicTracerProvider;

  beforeAll(async () => {
    server = await startDevServer({ rateLimit: false });
    const processor = createMosaicSpanProcessor({
      enabled: true,
      serverUrl: server.url,
      apiKey: server.apiKey,
      instanceId: server.instanceId,
      harness: 'claude_code',
      submitIntervalMs: 60_000,
    });
    provider = new BasicTracerProvider({ spanProcessors: [processor] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await provider?.shutdown();
    await server?.close();
  });

  /** Records task spans through the real exporter and waits until the devserver stored them. */
  async function recordTasks(tasks: Parameters<typeof taskAttributes>[0][]): Promise<void> {
    const tracer = provider.getTracer('web-view-test');
    const before = server.countEvents();
    for (const fields of tasks)
      tracer.startSpan('task', { attributes: taskAttributes(fields) }).end();
    await provider.forceFlush();
    expect(server.countEvents()).toBe(before + tasks.length);
  }

  describe('GET /', () => {
    it('shows the tasks, the charts and an exact prediction delivered through the exporter', async () => {
      await recordTasks([
        ...KNOWN_INPUTS.map((inputTokens, i) => ({
          ...KNOWN,
          inputTokens,
          outputTokens: 100 + i,
          actualCostUsdMicros: 20_000 + i,
        })),
        ...Array.from({ length: 6 }, (_, i) => ({
          taskType: 'debugging' as const,
          complexity: 'high' as const,
          model: 'gpt-4o',
          provider: 'openai' as const,
          inputTokens: 9_000 + i,
          outputTokens: 900,
        })),
        {
          taskType: 'testing' as const,
          model: HOSTILE_MODEL,
          provider: 'custom' as const,
          inputTokens: 5,
          outputTokens: 5,
        },
      ]);

      const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(server.webUrl);

      // The table: newest first, one page of 25, the hostile name as plain text.
      const rows = page.locator('#task-table tbody tr[data-task-id]');
      await expect.poll(() => rows.count()).toBe(25);
      await expect.poll(() => rows.first().locator('td').nth(2).textContent()).toBe(HOSTILE_MODEL);
      expect(await page.locator('#task-table img').count()).toBe(0);
      expect(
        await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned),
      ).toBeUndefined();
      expect(await page.locator('#card-tasks').textContent()).toBe('47');

      // The charts: real canvases drawn by Chart.js from the aggregates.
      for (const id of ['chart-time', 'chart-task-type', 'chart-model', 'chart-rates']) {
        const drawn = await page.evaluate((canvasId) => {
          const chart = (
            globalThis as unknown as { Chart: { getChart(id: string): unknown } }
          ).Chart.getChart(canvasId) as { data: { labels: unknown[] }; width: number } | undefined;
          return chart ? { labels: chart.data.labels.length, width: chart.width } : undefined;
        }, id);
        expect(drawn?.labels, id).toBeGreaterThan(0);
        expect(drawn?.width, id).toBeGreaterThan(100);
      }
      const taskTypes = await page.evaluate(
        () =>
          (
            globalThis as unknown as {
              Chart: { getChart(id: string): { data: { labels: string[] } } };
            }
          ).Chart.getChart('chart-task-type').data.labels,
      );
      expect([...taskTypes].sort()).toEqual(['debugging', 'implementation', 'testing']);

      // The prediction of the known bucket: exact, the same numbers as the percentile method.
      await page.selectOption('#p-task-type', KNOWN.taskType);
      await page.fill('#p-model', KNOWN.model);
      await page.selectOption('#p-provider', KNOWN.provider);
      await page.selectOption('#p-complexity', KNOWN.complexity);
      await page.click('#prediction-form button[type=submit]');
      const fact = (name: string) => page.locator(`[data-fact=${name}]`).textContent();
      await expect.poll(() => fact('sample_size')).toBe('40');
      const median = Math.round(percentile(KNOWN_INPUTS, 0.5));
      expect(await fact('median_input')).toBe(median.toLocaleString('en-US'));
      expect(await fact('confidence')).toBe('medium');
      expect(await fact('fallback_level')).toBe('0');

      // Live: new tasks show up without a reload.
      await recordTasks([{ ...KNOWN, inputTokens: 99_999, outputTokens: 1 }]);
      await expect
        .poll(() => page.locator('#card-tasks').textContent(), { timeout: 10_000 })
        .toBe('48');
      await expect.poll(() => fact('sample_size'), { timeout: 10_000 }).toBe('41');
      expect(pageErrors).toEqual([]);
      await page.close();
    });
  });
});
