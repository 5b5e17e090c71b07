import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { newApiKey } from '@batchyard/contracts';
import {
  appendUnappliableBatchEvent,
  describeTier,
  http,
  issueKey,
  publishUndigestibleCommand,
  startAppCluster,
  startBatchyard,
  type AppCluster,
  type BatchyardUnderTest,
} from '@batchyard/test-support';

/**
 * The console (apps/console, built into dist/console by `npm run build`) driven in headless Chromium from Debian's
 * package (.ci/run installs it when missing). Each main view is saved as a screenshot under test-output/console/ and
 * checked with axe-core: no serious or critical violation.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUILT = path.resolve(__dirname, '../../../dist/console/index.html');
const OUT = path.resolve(__dirname, '../../../test-output/console');
const AXE = require.resolve('axe-core/axe.min.js');

/**
 * Reads until `check` passes, failing with the last reading after `timeoutMs`: a view renders after its data arrives,
 * so a reading taken at once (after a click, a status message) may see the page before it.
 */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeTier('Console in headless Chromium', existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium chromium-driver; .ci/run does it)`, () => {
  /** The installation under test: the gateway's URL and an operator key. */
  let at: { url: string; key: string };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error(`The console is not built (${BUILT} is missing): run npm run build first`);
    await mkdir(OUT, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });

  // Functions given to page.evaluate run in the page: they reach its globals through `globalThis` (this file is
  // type-checked without the DOM library).

  /** Saves the view and fails on any serious or critical axe-core violation in it. */
  async function checkView(name: string): Promise<void> {
    await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
    await page.addScriptTag({ content: await readFile(AXE, 'utf8') });
    const violations = await page.evaluate(async () => {
      const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
      return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3) }));
    });
    expect(violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  }

  /** Signs in with the keyboard alone: Tab to the key, type it, Enter. */
  async function signIn(key = at.key): Promise<void> {
    await page.goto(`${at.url}/console/`);
    await page.getByLabel('API key').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type(key);
    await page.keyboard.press('Enter');
  }

  /** Clicks `refresh` until `done` holds (a view that is read on demand, not pushed). */
  async function refreshUntil(refresh: string, done: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await page.waitForTimeout(250);
      await page.getByRole('button', { name: refresh }).click();
    }
  }

  async function newBatch(name: string): Promise<string> {
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create batch' }).click();
    await page.getByRole('heading', { name: `Batch ${name}` }).waitFor();
    return /#\/batches\/([^/]+)$/.exec(page.url())![1];
  }

  describe('all apps in one process (npm start)', () => {
    let by: BatchyardUnderTest;
    beforeAll(async () => {
      // The webhook test's receiver listens on 127.0.0.1.
      by = await startBatchyard({ webhooksAllowPrivate: true });
      at = { url: by.url, key: by.key };
    }, 120_000);
    afterAll(async () => {
      await by?.stop();
    });

    it('says so when the key is wrong, and keeps nothing', async () => {
      await signIn('not-a-key-of-this-installation');
      await eventually(
        () => page.getByRole('alert').textContent(),
        (value) => expect(value).toContain('not valid'),
      );
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      await checkView('sign-in-wrong-key');
    });

    it('signs in with the keyboard, shows the tenant and role, and keeps the key for the tab session only', async () => {
      await signIn();
      await eventually(
        () => page.getByTestId('role').textContent(),
        (value) => expect(value).toBe('operator'),
      );
      expect(await page.getByTestId('tenant').textContent()).toMatch(/\S/);
      expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);
      expect(await page.evaluate(() => sessionStorage.getItem('batchyard.apiKey'))).toBe(at.key);
      await checkView('batches');
    });

    it('creates a batch, finds it by name, and pages the list with a keyset token', async () => {
      await signIn();
      const id = await newBatch('Console batch 1');
      await eventually(
        () => page.locator('dd.mono').first().textContent(),
        (value) => expect(value).toBe(id),
      );
      await checkView('batch');
      for (let i = 2; i <= 22; i++) {
        await page.goto(`${at.url}/console/#/batches`);
        await newBatch(`Console batch ${i}`);
      }
      await page.goto(`${at.url}/console/#/batches`);
      await page.getByLabel('Name is').fill('Console batch 1');
      await page.getByRole('button', { name: 'Search' }).click();
      await eventually(
        () => page.locator('tbody tr').count(),
        (value) => expect(value).toBe(1),
      );
      await page.getByLabel('Name is').fill('');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: 'Console batch 22' }).waitFor();
      await eventually(
        () => page.locator('tbody tr').count(),
        (value) => expect(value).toBe(20),
      );
      await page.getByRole('button', { name: 'Next page' }).click();
      await page.getByText('Page 2').waitFor();
      await page.getByRole('link', { name: 'Console batch 1', exact: true }).waitFor();
      expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    }, 120_000);

    it('runs a 20,000-item task and shows its progress pushed by the gateway up to 100 %', async () => {
      await signIn();
      const batchId = await newBatch('Twenty thousand');
      await page.getByLabel('Quantity').fill('20000');
      const requests: string[] = [];
      page.on('request', (r) => requests.push(new URL(r.url()).pathname));
      await page.getByRole('button', { name: 'Start task' }).click();
      await page.getByTestId('task-percent').waitFor();
      // Every value the page shows, as it shows it.
      await page.evaluate(() => {
        const { document, MutationObserver } = globalThis as any;
        const seen: string[] = ((globalThis as any).seen = []);
        const target = document.querySelector('[data-testid=task-percent]');
        seen.push(target.textContent);
        new MutationObserver(() => seen.push(target.textContent)).observe(target, { characterData: true, childList: true, subtree: true });
      });
      await page.getByTestId('task-percent').filter({ hasText: '100 %' }).waitFor({ timeout: 240_000 });
      await eventually(
        () => page.getByTestId('task-status').textContent(),
        (value) => expect(value).toBe('EXECUTED'),
      );
      const seen: string[] = await page.evaluate(() => (globalThis as any).seen);
      expect(seen.some((s) => s !== '100 %' && s !== '0 %')).toBe(true);
      // Pushed over one stream, not polled.
      const taskReads = requests.filter((p) => /\/tasks\/[^/]+(\/progress)?$/.test(p));
      expect(taskReads.filter((p) => p.endsWith('/progress'))).toHaveLength(1);
      expect(taskReads.filter((p) => !p.endsWith('/progress'))).toHaveLength(0);
      await page.getByRole('button', { name: 'Download result' }).waitFor();
      await checkView('task');
      // Its Thngs, in the Thngs list of its batch.
      await page.getByRole('link', { name: 'Thngs' }).click();
      await page.getByLabel('In batch (id)').fill(batchId);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: batchId }).first().waitFor();
      await eventually(
        () => page.locator('tbody tr').count(),
        (value) => expect(value).toBe(30),
      );
      await checkView('thngs');
    }, 300_000);

    it('cancels a running task', async () => {
      await signIn();
      await newBatch('To cancel');
      await page.getByLabel('Quantity').fill('1000000');
      await page.getByRole('button', { name: 'Start task' }).click();
      await page.getByTestId('task-status').filter({ hasText: 'EXECUTING' }).waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Cancel task' }).click();
      await page.getByTestId('task-status').filter({ hasText: 'FAILED' }).waitFor({ timeout: 120_000 });
      expect(Number.parseInt((await page.getByTestId('task-percent').textContent())!, 10)).toBeLessThan(100);
      await eventually(
        () => page.getByRole('alert').textContent(),
        (value) => expect(value).toMatch(/cancel/i),
      );
    }, 200_000);

    it('uploads a CSV with one bad row by drag and drop, shows the phases and stats, and downloads an error file that names the row', async () => {
      await signIn();
      await page.getByRole('link', { name: 'Bulk jobs' }).click();
      await page.getByRole('heading', { name: 'Bulk jobs' }).waitFor();
      // The file input, for keyboard users, takes a file as well.
      await page.getByLabel('Choose a file').setInputFiles({ name: 'picked.csv', mimeType: 'text/csv', buffer: Buffer.from('name\nPicked\n') });
      await page.getByTestId('chosen-file').filter({ hasText: 'picked.csv' }).waitFor();
      const csv = 'name,email,is_primary\nAda Lovelace,ada@example.com,true\nBad Row,bad@example.com,maybe\nGrace Hopper,grace@example.com,false\n';
      const dataTransfer = await page.evaluateHandle((text) => {
        const transfer = new (globalThis as any).DataTransfer();
        transfer.items.add(new File([text], 'contacts.csv', { type: 'text/csv' }));
        return transfer;
      }, csv);
      await page.dispatchEvent('[data-testid=drop-zone]', 'drop', { dataTransfer });
      await page.getByTestId('chosen-file').filter({ hasText: 'contacts.csv' }).waitFor();
      await checkView('bulk-jobs');
      const requests: string[] = [];
      page.on('request', (r) => requests.push(new URL(r.url()).pathname));
      await page.getByRole('button', { name: 'Create bulk job' }).click();
      await page
        .getByTestId('job-status')
        .filter({ hasText: /^completed$/ })
        .waitFor({ timeout: 60_000 });
      // Watched over one stream, not polled.
      expect(requests.filter((p) => /^\/v1\/batches\/[^/]+(\/progress)?$/.test(p))).toEqual([expect.stringMatching(/\/progress$/)]);
      await eventually(
        () => page.getByRole('row', { name: /^validation/ }).textContent(),
        (value) => expect(value).toMatch(/validation\s*3\s*3\s*2\s*1/),
      );
      await eventually(
        () => page.getByTestId('job-stats').textContent(),
        (value) => expect(value).toMatch(/created\s*2.*rejected\s*1/s),
      );
      await checkView('bulk-job');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download error file (CSV)' }).click()]);
      const errors = await readFile((await download.path())!, 'utf8');
      // The upload's own columns first (so it can be fixed and sent again), then where and why.
      expect(errors.split(/\r?\n/)[0]).toBe('name,email,is_primary,line,field,code,message');
      // Line 3 of the file (the header is line 1) is the bad row, as received, on is_primary.
      expect(errors).toMatch(/^Bad Row,bad@example\.com,maybe,3,is_primary,/m);
      expect(errors.trim().split(/\r?\n/)).toHaveLength(2);
    }, 120_000);

    it('runs a SHORT_ID_GENERATION task from the form with its whole template, shows its progress pushed up to 100 %, and downloads its codes', async () => {
      await signIn();
      await newBatch('Codes');
      await page.getByLabel(/^Type/).selectOption('SHORT_ID_GENERATION');
      await page.getByLabel('Quantity').fill('100000');
      await page.getByLabel(/^Codes/).selectOption('SEQUENTIAL');
      await page.getByLabel(/^Code length/).fill('12');
      await page.getByLabel(/^Prefix/).fill('LOT');
      await page.getByLabel(/^Separator/).fill('-');
      await page.getByLabel(/^Start/).fill('7');
      await page.getByLabel(/^Increment/).fill('3');
      await page.getByLabel(/^Padding/).selectOption('CHAR');
      await page.getByLabel('Padding character').fill('x');
      await checkView('batch-short-id-form');
      const requests: string[] = [];
      page.on('request', (r) => requests.push(new URL(r.url()).pathname));
      await page.getByRole('button', { name: 'Start task' }).click();
      await page.getByTestId('task-percent').waitFor();
      await page.evaluate(() => {
        const { document, MutationObserver } = globalThis as any;
        const seen: string[] = ((globalThis as any).seen = []);
        const target = document.querySelector('[data-testid=task-percent]');
        seen.push(target.textContent);
        new MutationObserver(() => seen.push(target.textContent)).observe(target, { characterData: true, childList: true, subtree: true });
      });
      await page.getByTestId('task-percent').filter({ hasText: '100 %' }).waitFor({ timeout: 240_000 });
      await eventually(
        () => page.getByTestId('task-status').textContent(),
        (value) => expect(value).toBe('EXECUTED'),
      );
      expect(await page.locator('dd').first().textContent()).toBe('SHORT_ID_GENERATION');
      const seen: string[] = await page.evaluate(() => (globalThis as any).seen);
      expect(seen.some((s) => s !== '100 %' && s !== '0 %')).toBe(true);
      const taskReads = requests.filter((p) => /\/tasks\/[^/]+(\/progress)?$/.test(p));
      expect(taskReads).toEqual([expect.stringMatching(/\/progress$/)]);
      await checkView('task-short-ids');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download result' }).click()]);
      const lines = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
      // start 7, increment 3, padded with x to a length of 12: LOT-xxxxxxx7, LOT-xxxxxx10, …
      expect(lines.slice(0, 4)).toEqual(['SHORT_ID', 'LOT-xxxxxxx7', 'LOT-xxxxxx10', 'LOT-xxxxxx13']);
      expect(lines).toHaveLength(100_001);
      expect(lines.at(-1)).toBe(`LOT-${String(7 + 99_999 * 3).padStart(8, 'x')}`);
    }, 300_000);

    it('says why when the gateway refuses a short-ID template', async () => {
      await signIn();
      await newBatch('Too many codes');
      await page.getByLabel(/^Type/).selectOption('SHORT_ID_GENERATION');
      await page.getByLabel('Quantity').fill('1000');
      await page.getByLabel(/^Codes/).selectOption('SEQUENTIAL');
      await page.getByLabel(/^Code length/).fill('2');
      await page.getByRole('button', { name: 'Start task' }).click();
      await eventually(
        () => page.getByRole('alert').textContent(),
        (value) => expect(value).toMatch(/\S/),
      );
      expect(page.url()).not.toContain('/tasks/');
    });

    it('gives a batch a TofuPilot number, adds and removes its units, and lists units', async () => {
      await signIn();
      const batchId = await newBatch('Unit batch');
      await page.getByLabel('TofuPilot number').fill('CON-UB-1');
      await page.getByRole('button', { name: 'Set number' }).click();
      await page.getByRole('button', { name: 'Add unit' }).waitFor();
      await eventually(
        () => page.locator('dd.mono').nth(1).textContent(),
        (value) => expect(value).toBe('CON-UB-1'),
      );
      for (const serial of ['CON-SN-1', 'CON-SN-2', 'CON-SN-3']) {
        await page.getByLabel('Serial number').fill(serial);
        await page.getByLabel('Part number (new unit)').fill('PCB-7');
        await page.getByRole('button', { name: 'Add unit' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Unit ${serial} created in this batch.` })
          .waitFor();
      }
      await page.getByRole('button', { name: 'Remove unit CON-SN-2 from the batch' }).click();
      await page.getByRole('status').filter({ hasText: 'Unit CON-SN-2 removed from this batch.' }).waitFor();
      const serials = () => page.locator('section[aria-labelledby=units] tbody tr td:first-child').allTextContents();
      await eventually(serials, (value) => expect(value).toEqual(['CON-SN-1', 'CON-SN-3']));
      // An existing unit moves in again, as it is.
      await page.getByLabel('Serial number').fill('CON-SN-2');
      await page.getByRole('button', { name: 'Add unit' }).click();
      await page.getByRole('status').filter({ hasText: 'Unit CON-SN-2 moved into this batch.' }).waitFor();
      await eventually(serials, (value) => expect(value).toEqual(['CON-SN-1', 'CON-SN-2', 'CON-SN-3']));
      // The same batch through TofuPilot's own API.
      const tofu = await http(`${at.url}/api/v2/batches/CON-UB-1`, { headers: { authorization: `Bearer ${at.key}` } });
      expect(tofu.body.units.map((u: any) => u.serial_number).sort()).toEqual(['CON-SN-1', 'CON-SN-2', 'CON-SN-3']);
      await checkView('batch-units');
      await page.getByRole('button', { name: 'Remove unit CON-SN-3 from the batch' }).click();
      await page.getByRole('status').filter({ hasText: 'Unit CON-SN-3 removed from this batch.' }).waitFor();

      await page.getByRole('link', { name: 'Units' }).click();
      await page.getByRole('heading', { name: 'Units', exact: true }).waitFor();
      await page.getByLabel('Serial number contains').fill('CON-SN');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('cell', { name: 'CON-SN-1' }).waitFor();
      // Serial, part, revision and batch of each row, newest first.
      const rows = () =>
        page.evaluate(() =>
          [...(globalThis as any).document.querySelectorAll('tbody tr')].map((tr: any) => [...tr.querySelectorAll('td')].slice(0, 4).map((td: any) => td.textContent.trim())),
        );
      await eventually(rows, (value) =>
        expect(value).toEqual([
          ['CON-SN-3', 'PCB-7', 'A', '(none)'],
          ['CON-SN-2', 'PCB-7', 'A', 'CON-UB-1'],
          ['CON-SN-1', 'PCB-7', 'A', 'CON-UB-1'],
        ]),
      );
      await page.getByLabel('In batch (TofuPilot number)').fill('CON-UB-1');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('cell', { name: 'CON-SN-3' }).waitFor({ state: 'detached' });
      await eventually(
        () => page.locator('tbody tr').count(),
        (value) => expect(value).toBe(2),
      );
      await checkView('units');
      expect(batchId).toMatch(/\S/);
    }, 120_000);

    it('uploads a file, lists it with its size, downloads it from its content URL and deletes it', async () => {
      await signIn();
      await page.getByRole('link', { name: 'Files' }).click();
      await page.getByRole('heading', { name: 'Files', exact: true }).waitFor();
      const content = 'shortId\nCON-A1\nCON-A2\n';
      await page.getByLabel('File to upload').setInputFiles({ name: 'short-ids.csv', mimeType: 'text/csv', buffer: Buffer.from(content) });
      await page.getByRole('button', { name: 'Upload file' }).click();
      await page.getByRole('status').filter({ hasText: 'File short-ids.csv uploaded' }).waitFor();
      await page.getByRole('cell', { name: `${content.length} bytes` }).waitFor();
      await checkView('files');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'short-ids.csv' }).click()]);
      await expect(readFile((await download.path())!, 'utf8')).resolves.toBe(content);
      await page.getByRole('button', { name: 'Delete file short-ids.csv' }).click();
      await page.getByRole('status').filter({ hasText: 'File short-ids.csv deleted.' }).waitFor();
      await page.getByText('No file yet.').waitFor();
      expect((await http(`${at.url}/files`, { headers: { authorization: at.key } })).body).toEqual([]);
    });

    it('adds a webhook endpoint showing its secret once, shows its deliveries and the events feed, and deletes it', async () => {
      const received: IncomingHttpHeaders[] = [];
      const receiver: Server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          received.push(req.headers);
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
      try {
        await signIn();
        await page.getByRole('link', { name: 'Webhooks' }).click();
        await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
        await page.getByLabel('URL').fill(hookUrl);
        await page.getByRole('textbox', { name: /^Events/ }).fill('BatchCreated');
        await page.getByLabel('Description').fill('console test');
        await page.getByRole('button', { name: 'Add endpoint' }).click();
        const secret = /whsec_[0-9a-f]{48}/.exec((await page.getByTestId('webhook-secret').textContent())!)![0];
        await page.getByRole('cell', { name: `${hookUrl} console test` }).waitFor();

        const created = await http(`${at.url}/batches`, { method: 'POST', headers: { authorization: at.key }, body: { name: 'Hooked' } });
        expect(created.status).toBe(201);
        await page.getByRole('button', { name: `Deliveries to ${hookUrl}` }).click();
        const deliveries = page.getByTestId('deliveries');
        await refreshUntil('Refresh deliveries', async () => /delivered/.test((await deliveries.textContent()) ?? ''), 'the delivery');
        await eventually(
          () => deliveries.locator('tbody tr').first().textContent(),
          (value) => expect(value).toMatch(/BatchCreated.*delivered.*200/s),
        );
        expect(received.some((h) => typeof h['batchyard-event-id'] === 'string')).toBe(true);

        await page.getByLabel('Types (comma-separated, empty for all)').fill('BatchCreated');
        await page.getByRole('button', { name: 'Show from the start' }).click();
        const feed = page.getByTestId('events-feed');
        await feed.getByRole('cell', { name: 'BatchCreated' }).first().waitFor();
        const types = await feed.locator('tbody tr td:first-child').allTextContents();
        expect(types.length).toBeGreaterThan(0);
        expect(new Set(types)).toEqual(new Set(['BatchCreated']));
        await checkView('webhooks');

        // Once only: after a reload the secret is nowhere on the page.
        await page.reload();
        await page.getByRole('cell', { name: `${hookUrl} console test` }).waitFor();
        expect(await page.content()).not.toContain(secret);
        await page.getByRole('button', { name: `Delete endpoint ${hookUrl}` }).click();
        await page.getByText('No endpoint.').waitFor();
        expect((await http(`${at.url}/batchyard/v1/webhooks`, { headers: { authorization: at.key } })).body).toEqual([]);
      } finally {
        await new Promise((resolve) => receiver.close(resolve));
      }
    }, 120_000);

    it('works at a phone width without sideways scrolling', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await signIn();
      await page.getByTestId('tenant').waitFor();
      expect(
        await page.evaluate(() => {
          const { documentElement } = (globalThis as any).document;
          return documentElement.scrollWidth <= documentElement.clientWidth;
        }),
      ).toBe(true);
      await checkView('batches-phone');
      // Every other list view too: wide tables scroll inside their own box, never the page.
      for (const [view, heading] of [
        ['thngs', 'Thngs'],
        ['units', 'Units'],
        ['files', 'Files'],
        ['bulk', 'Bulk jobs'],
        ['webhooks', 'Webhooks'],
        ['operations', 'Operations'],
      ]) {
        await page.goto(`${at.url}/console/#/${view}`);
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        const fits = await page.evaluate(() => {
          const { documentElement } = (globalThis as any).document;
          return documentElement.scrollWidth <= documentElement.clientWidth;
        });
        expect([view, fits]).toEqual([view, true]);
      }
      await checkView('operations-phone');
    });

    it('shows an operator the projections with status, lag and parked events, and the dead letters; a user key has no such view', async () => {
      const { tenant } = (await http(`${at.url}/batchyard/v1/session`, { headers: { authorization: at.key } })).body;
      const created = await http(`${at.url}/batches`, { method: 'POST', headers: { authorization: at.key }, body: { name: 'Poisoned' } });
      const position = await appendUnappliableBatchEvent(by.launched.infra, tenant, created.body.id);
      const messageId = await publishUndigestibleCommand(by.launched.infra, tenant);
      await signIn();
      await page.getByRole('link', { name: 'Operations' }).click();
      await page.getByRole('heading', { name: 'Operations' }).waitFor();
      const processors = page.getByTestId('processors');
      await processors.getByRole('cell', { name: 'relay', exact: true }).waitFor();
      await refreshUntil(
        'Refresh',
        async () =>
          /No dead letter/.test((await page.getByTestId('dead-letters').textContent()) ?? 'No dead letter') === false && /degraded/.test((await processors.textContent()) ?? ''),
        'the parked event and the dead letter',
      );
      await eventually(
        () => processors.getByRole('row', { name: /^batches / }).textContent(),
        (value) => expect(value).toMatch(/batches\s*degraded\s*\d+\s*\d+\s*1$/),
      );
      await eventually(
        () => page.getByTestId('parked-events').textContent(),
        (value) => expect(value).toContain(`#${position}`),
      );
      await eventually(
        () => page.getByTestId('parked-events').textContent(),
        (value) => expect(value).toContain('_id cannot be patched'),
      );
      await eventually(
        () => page.getByTestId('dead-letters').textContent(),
        (value) => expect(value).toContain('batchyard.commands.batch'),
      );
      await checkView('operations');
      expect(messageId).toMatch(/\S/);

      const user = await issueKey(by.launched.infra, tenant, 'user');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(user.key);
      await eventually(
        () => page.getByTestId('role').textContent(),
        (value) => expect(value).toBe('user'),
      );
      expect(await page.getByRole('link', { name: 'Operations' }).count()).toBe(0);
      await page.goto(`${at.url}/console/#/operations`);
      await page.getByRole('heading', { name: 'Batches', exact: true }).waitFor();
      expect((await http(`${at.url}/batchyard/v1/operator/projections`, { headers: { authorization: user.key } })).status).toBe(403);
    }, 120_000);

    it('serves /docs as a page listing every document for download as JSON', async () => {
      await page.goto(`${at.url}/docs`);
      for (const name of ['evrythng', 'packagex', 'tofupilot', 'batchyard']) await page.locator(`nav a[href="/docs/${name}.json"]`).waitFor();
      await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: path.join(OUT, 'docs.png'), fullPage: false });
    });
  });

  describe('each app as its own process (the compiled apps, as npm run start:<app> runs them)', () => {
    let cluster: AppCluster;
    beforeAll(async () => {
      const key = newApiKey();
      cluster = await startAppCluster(['batch-service', 'task-worker', 'bulk-processor', 'gateway'], key);
      at = { url: cluster.url, key };
    }, 240_000);
    afterAll(async () => {
      await cluster?.stop();
    });

    it('serves the console and /docs from the gateway process, and pushes a task’s progress to 100 %', async () => {
      await signIn();
      await eventually(
        () => page.getByTestId('role').textContent(),
        (value) => expect(value).toBe('operator'),
      );
      await newBatch('Across processes');
      await page.getByLabel('Quantity').fill('5000');
      await page.getByRole('button', { name: 'Start task' }).click();
      await page.getByTestId('task-percent').filter({ hasText: '100 %' }).waitFor({ timeout: 120_000 });
      await eventually(
        () => page.getByTestId('task-status').textContent(),
        (value) => expect(value).toBe('EXECUTED'),
      );
      await page.goto(`${at.url}/docs`);
      await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 30_000 });
    }, 180_000);
  });
});
