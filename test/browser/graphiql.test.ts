import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createGateway } from '../../src/gateway.js';
import { startLiveWrites } from '../../tools/sample-upstream/index.js';
import { defaultConfig } from '../../src/config.js';
import { createUpstreamClient } from '../../src/upstream/client.js';
import { useHarness } from '../support/use-harness.js';

/** Debian's `chromium` package; CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Set by CI (.ci/run): a missing browser fails the run instead of skipping this test. */
const REQUIRED = process.env.REQUIRE_BROWSER === '1';
const AVAILABLE = existsSync(CHROMIUM);
const SCREENSHOT = join('test-results', 'graphiql.png');

/** An editor's visible text; Monaco renders spaces as no-break spaces. */
const textOf = async (locator: Locator): Promise<string> => (await locator.innerText()).replace(/\u00a0/g, ' ');

if (!AVAILABLE && !REQUIRED) {
  console.warn(
    [
      '',
      '!!! ============================================================================ !!!',
      `!!!  SKIPPED: the GraphiQL browser test needs Chromium at ${CHROMIUM}.`,
      '!!!  Install it (Debian/Ubuntu):  apt-get update && apt-get install -y chromium',
      '!!!  or point CHROMIUM_PATH at a Chromium binary. CI installs it and sets',
      '!!!  REQUIRE_BROWSER=1, which turns this skip into a failure.',
      '!!! ============================================================================ !!!',
      '',
    ].join('\n'),
  );
}

describe.skipIf(!AVAILABLE && !REQUIRED)('GraphiQL in headless Chromium, on the sample upstream', () => {
  // A short live-tail poll interval (test-only option) for the subscription test.
  const harness = useHarness({ config: { tailPollMs: 300 } });
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    expect(AVAILABLE, `REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM} (apt-get install -y chromium)`).toBe(true);
    profile = mkdtempSync(join(tmpdir(), 'graphiql-profile-'));
    // A fresh profile every run: no stored tabs or headers from an earlier session.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('opens with the sample headers and a default query, runs it, and shows audit logs from the sample upstream', async () => {
    const page = await browser.newPage();
    // Everything GraphiQL needs is served by the gateway: any other request fails the test.
    const offsite: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'blob:' || url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
      offsite.push(url.href);
      return route.abort();
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${harness.url}/graphql`);
    const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden)');
    await expect.poll(() => textOf(headersEditor), { timeout: 30_000 }).toContain('"Bearer sample-token"');
    expect(await textOf(headersEditor)).toContain('"sample.cloudcockpit.example"');
    const queryEditor = page.locator('.graphiql-query-editor');
    expect(await textOf(queryEditor)).toContain('query RecentOrders');

    const before = harness.sample.requests.length;
    await page.locator('.graphiql-execute-button').click();
    const response = page.locator('.graphiql-response');
    await expect.poll(() => textOf(response), { timeout: 30_000 }).toContain('"totalCount"');

    const shown = await textOf(response);
    // The numbers on screen are the sample upstream's: compare with the same query over HTTP.
    const expected = await harness.graphql<{ auditLogs: { totalCount: number; nodes: Array<{ operation: string }> } }, never>(
      '{ auditLogs(first: 10, filter: { operations: ["CreateOrder", "CancelSubscription"] }) { totalCount nodes { operation } } }',
    );
    const { totalCount, nodes } = expected.body.data!.auditLogs;
    expect(totalCount).toBeGreaterThan(0);
    expect(shown).toContain(`"totalCount": ${totalCount}`);
    expect(shown).toContain(`"operation": "${nodes[0]!.operation}"`);
    expect(shown).toContain('"hasNextPage": true');
    expect(shown).not.toContain('"errors"');
    // GraphiQL's own request reached the sample upstream with the filled-in credentials.
    const fromGraphiQL = harness.sample.requests.slice(before).find((r) => r.headers.authorization === 'Bearer sample-token');
    expect(fromGraphiQL?.headers['x-tenant']).toBe('sample.cloudcockpit.example');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('runs the live-tail subscription and shows the logs the sample upstream writes', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${harness.url}/graphql`);
    const queryEditor = page.locator('.graphiql-query-editor');
    // Whatever the tab holds (this profile already ran the default query), the editor is ready once it shows a line.
    await expect.poll(() => textOf(queryEditor), { timeout: 30_000 }).toMatch(/^1/);
    // Replace the default query (typed as one insertion, so the editor adds no closing brackets).
    await queryEditor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText('subscription Live { auditLogAdded { node { auditLogId operation customerName } } }');
    await expect.poll(() => textOf(queryEditor)).toContain('subscription Live');
    const response = page.locator('.graphiql-response');
    // GraphiQL learns the new operation's name a moment after the edit: until then it
    // refuses to run ("Cannot infer operation"), so run again until it starts.
    await expect
      .poll(
        async () => {
          await page.locator('.graphiql-execute-button').click();
          await page.waitForTimeout(500);
          return textOf(response);
        },
        { timeout: 30_000 },
      )
      .not.toContain('Cannot infer operation');

    // The sample upstream writes logs on its own, as it does when embedded.
    const stopWrites = startLiveWrites(harness.sample.store, { everyMs: 400, clock: Date.now });
    try {
      await expect.poll(() => textOf(response), { timeout: 30_000 }).toContain('"auditLogAdded"');
      const shown = await textOf(response);
      // The id on screen is one the sample upstream wrote after the subscription began.
      const written = harness.sample.store.all().slice(0, 50).map((log) => log.id);
      const id = /"auditLogId": "([0-9a-f-]{36})"/.exec(shown)?.[1];
      expect(written).toContain(id);
      expect(shown).not.toContain('"errors"');
    } finally {
      stopWrites();
    }
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

describe('GraphiQL against a real upstream', () => {
  it('leaves the headers to the user: no sample credentials in the page', async () => {
    const config = { ...defaultConfig(), introspection: true, graphiql: true, cursorSecret: ['test-cursor-secret-0123456789'], upstreamTimeoutMs: 1000 };
    const upstream = createUpstreamClient(config, { baseUrl: 'http://127.0.0.1:9' });
    const logger = createLogger('silent');
    try {
      const real = await createGateway({ config, upstream, logger, sampleUpstream: false }).fetch('http://gateway/graphql', {
        headers: { accept: 'text/html' },
      });
      const realPage = await real.text();
      expect(real.status).toBe(200);
      expect(realPage).toContain('query RecentOrders');
      expect(realPage).not.toContain('sample-token');

      const sample = await createGateway({ config, upstream, logger, sampleUpstream: true }).fetch('http://gateway/graphql', {
        headers: { accept: 'text/html' },
      });
      expect(await sample.text()).toContain('sample-token');
    } finally {
      await upstream.close();
    }
  });
});
