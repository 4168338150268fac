import { describe, expect, it } from 'vitest';
import { startupBanner } from '../src/server/startup-banner.js';

const facts = {
  url: 'http://127.0.0.1:8931',
  webUrl: 'http://127.0.0.1:8931/',
  apiKey: 'cd'.repeat(32),
  instanceId: '123e4567-e89b-42d3-a456-426614174000',
  dbPath: ':memory:',
  rateLimited: true,
};

describe('startupBanner', () => {
  it('prints the key, the env lines and the web view URL on loopback, with no warning', () => {
    const banner = startupBanner({ ...facts, host: '127.0.0.1' });
    expect(banner.warning).toBeUndefined();
    expect(banner.text).toContain(`MOSAIC_TELEMETRY_API_KEY=${facts.apiKey}`);
    expect(banner.text).toContain('Open the web view: http://127.0.0.1:8931/');
  });

  it.each(['0.0.0.0', '::', '192.168.1.20'])(
    'warns and never prints the key when the host is %s',
    (host) => {
      const banner = startupBanner({ ...facts, host });
      expect(banner.warning).toMatch(
        new RegExp(`listening on ${host.replace(/\./g, '\\.')}, beyond loopback`),
      );
      expect(`${banner.text}${banner.warning}`).not.toContain(facts.apiKey);
      expect(banner.text).toContain('MOSAIC_TELEMETRY_API_KEY=<not printed');
    },
  );

  it.each(['localhost', '::1', '127.0.0.2', '[::1]'])('treats %s as loopback', (host) => {
    expect(startupBanner({ ...facts, host }).warning).toBeUndefined();
  });
});
