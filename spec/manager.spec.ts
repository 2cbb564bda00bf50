import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { eventually } from './support/eventually.js';
import { API_KEY } from './support/gateway-process.js';
import { startInProcess, type InProcessGateway } from './support/in-process-gateway.js';
import { emulatorEnv, stateOf } from './support/paired.js';
import { testDatabase } from './support/test-database.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

/** Debian's Chromium; CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts');
const OWNER = '15550007000';
const WRONG_KEY = 'not-the-key';

/** What a page did that a person would not see but should not happen: script errors, CSP refusals. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** How many times the tab loaded a document: 1 means it never reloaded. */
function countLoads(page: Page): () => number {
  let loads = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) loads += 1;
  });
  return () => loads;
}

async function logIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** The tab's sessionStorage and localStorage, read in the page (the spec's own types have no DOM). */
const storage = (page: Page): Promise<{ session: Record<string, string>; local: Record<string, string> }> =>
  page.evaluate(`({
    session: Object.fromEntries(Object.entries(sessionStorage)),
    local: Object.fromEntries(Object.entries(localStorage)),
  })`);

describe(`manager page in Chromium (${testDatabase})`, function () {
  this.timeout(90_000);
  let wa: WaEmulator;
  let receiver: WebhookReceiver;
  let running: InProcessGateway;
  let browser: Browser;
  let context: BrowserContext;
  let baseUrl: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
      if (process.env.CI === 'true') throw new Error(reason);
      console.warn(`      skipped: ${reason}`);
      this.skip();
    }
    wa = await WaEmulator.start();
    receiver = await WebhookReceiver.start();
    running = await startInProcess({ ...emulatorEnv(wa), OUTBOX_POLL_MS: '50' });
    baseUrl = running.api.baseUrl;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });

  afterEach(async () => {
    await context?.close();
  });

  after(async () => {
    await browser?.close();
    await running?.stop();
    await receiver?.stop();
    await wa?.stop();
  });

  it('serves the page and its bundle with a Content-Security-Policy allowing only its own scripts, no key needed', async () => {
    const page = await fetch(`${baseUrl}/manager`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).to.include("script-src 'self'").and.include("default-src 'none'");
    const html = await page.text();
    expect(html).to.include('<script type="module" src="/manager/app.js"></script>');
    expect(html, 'no inline script').not.to.match(/<script(?![^>]*\ssrc=)[^>]*>/);

    const script = await fetch(`${baseUrl}/manager/app.js`);
    expect(script.status).to.equal(200);
    expect(script.headers.get('content-type')).to.match(/^text\/javascript/);
    expect((await script.text()).length).to.be.greaterThan(1000);
    expect((await fetch(`${baseUrl}/manager/app.css`)).status).to.equal(200);
  });

  it('a wrong key shows an error and nothing else, and is not kept', async () => {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${baseUrl}/manager`);
    await logIn(page, WRONG_KEY);

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).to.equal('The API key was not accepted.');
    expect(await page.getByRole('heading', { name: 'Instances' }).count()).to.equal(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).to.equal(0);
    expect(await storage(page)).to.deep.equal({ session: {}, local: {} });
    expect(page.url()).not.to.include(WRONG_KEY);
    // The refused key's 401 is logged by the browser as a failed load; nothing else may be.
    expect(problems.filter((p) => !/status of 401/.test(p))).to.deep.equal([]);
  });

  it('logs in, creates an instance with a QR code, the phone scans it, the state turns open without a reload', async () => {
    const page = await context.newPage();
    const problems = watchProblems(page);
    const loads = countLoads(page);
    await page.goto(`${baseUrl}/manager`);
    await logIn(page, API_KEY);
    await page.getByRole('heading', { name: 'Instances' }).waitFor();

    // The key stays in this tab's sessionStorage: not in the URL, not in localStorage.
    expect(page.url()).to.equal(`${baseUrl}/manager`);
    expect(await storage(page)).to.deep.equal({ session: { 'wa-gateway.apikey': API_KEY }, local: {} });

    await page.getByLabel('Instance name').fill('front-desk');
    await page.getByRole('button', { name: 'Create' }).click();
    const qr = page.getByRole('img', { name: 'QR code to link a phone to front-desk' });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).to.match(/^data:image\/png;base64,[A-Za-z0-9+/=]{100,}$/);
    expect(await page.locator('[data-instance="front-desk"] [data-state]').textContent()).not.to.equal('open');

    mkdirSync(ARTIFACTS, { recursive: true });
    const qrShot = resolve(ARTIFACTS, `manager-qr-${testDatabase}.png`);
    await page.screenshot({ path: qrShot, fullPage: true });
    console.log(`      screenshot: ${qrShot}`);

    // The phone scans the QR the page shows.
    const code = await qr.getAttribute('data-code');
    expect(code, 'the QR text').to.be.a('string').and.match(/^[^,]+,[^,]+,[^,]+,[^,]+/);
    await wa.scanQr(code as string, { phone: OWNER, name: 'Front Desk' });

    await page.locator('[data-panel="front-desk"] [data-state="open"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-instance="front-desk"] [data-state="open"]').waitFor({ timeout: 10_000 });
    expect(await page.getByRole('img', { name: /QR code/ }).count(), 'the QR is gone').to.equal(0);
    expect(await page.getByRole('status').textContent()).to.equal('The phone is linked.');
    expect((await stateOf(running.api, 'front-desk')).state).to.equal('open');
    expect(loads(), 'document loads').to.equal(1);

    const screenshot = resolve(ARTIFACTS, `manager-open-${testDatabase}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`      screenshot: ${screenshot}`);

    expect(page.url()).not.to.include(API_KEY);
    expect((await storage(page)).local).to.deep.equal({});
    expect(problems).to.deep.equal([]);
  });

  it('shows settings, webhook and dead letters of the instance', async () => {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${baseUrl}/manager`);
    await logIn(page, API_KEY);
    await page.getByRole('button', { name: 'Open front-desk' }).click();
    const panel = page.locator('[data-panel="front-desk"]');

    await panel.getByText('Settings', { exact: true }).click();
    await panel.locator('dt', { hasText: 'rejectCall' }).waitFor();
    await panel.getByText('Webhook', { exact: true }).click();
    await panel.getByText('Dead letters', { exact: true }).click();
    await panel.getByText('None: every event was delivered or is still being tried.').waitFor();
    expect(problems).to.deep.equal([]);
  });

  it('restarts keeping the session, then logs out of WhatsApp, each after confirmation', async () => {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/manager`);
    await logIn(page, API_KEY);
    await page.getByRole('button', { name: 'Open front-desk' }).click();
    const panel = page.locator('[data-panel="front-desk"]');
    await panel.locator('[data-state="open"]').waitFor();

    await panel.getByRole('button', { name: 'Restart' }).click();
    await panel.getByRole('button', { name: 'Yes, restart' }).click();
    await panel.getByText('Restarted.').waitFor();
    await panel.locator('[data-state="open"]').waitFor({ timeout: 15_000 });

    await panel.getByRole('button', { name: 'Log out' }).click();
    await panel.getByText('Log front-desk out of WhatsApp? The phone must be linked again.').waitFor();
    await panel.getByRole('button', { name: 'Yes, log out' }).click();
    await panel.locator('[data-state="close"]').waitFor({ timeout: 15_000 });
    expect((await stateOf(running.api, 'front-desk')).state).to.equal('close');
    await panel.getByRole('button', { name: 'Show QR code' }).waitFor();
  });

  it('asks for a pairing code for a phone number and shows it', async () => {
    expect((await running.api.post('/instance/create', { instanceName: 'by-code' })).status).to.equal(201);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/manager`);
    await logIn(page, API_KEY);
    await page.getByRole('button', { name: 'Open by-code' }).click();
    const panel = page.locator('[data-panel="by-code"]');

    await panel.getByLabel('Phone number').fill('15550007002');
    await panel.getByRole('button', { name: 'Get pairing code' }).click();
    const code = panel.locator('[data-pairing-code]');
    await code.waitFor();
    expect(await code.textContent()).to.match(/^[A-Z0-9]{8}$/);
    await eventually(() => wa.pairingCodeRequests.some((r) => r.phone === '15550007002'), 5_000, 'the pairing request');
    expect(await panel.getByRole('img', { name: /QR code/ }).count()).to.equal(0);
  });

  it('lists a dead letter with its error and replays the chosen one', async () => {
    let refuse = true;
    receiver.respondWith((request) => (request.body.instance === 'hooked' && refuse ? 400 : 200));
    const created = await running.api.post('/instance/create', { instanceName: 'hooked', webhook: { url: `${receiver.url}/hooked` } });
    expect(created.status).to.equal(201);
    await eventually(async () => (await running.api.get('/outbox/deadLetters/hooked')).body.total === 1, 5_000, 'a dead letter');

    const page = await context.newPage();
    await page.goto(`${baseUrl}/manager`);
    await logIn(page, API_KEY);
    await page.getByRole('button', { name: 'Open hooked' }).click();
    const panel = page.locator('[data-panel="hooked"]');
    await panel.getByText('Webhook', { exact: true }).click();
    await panel.locator('dd', { hasText: `${receiver.url}/hooked` }).waitFor();

    await panel.getByText('Dead letters', { exact: true }).click();
    const row = panel.locator('table.dead-letters tbody tr');
    await row.waitFor();
    expect(await row.count()).to.equal(1);
    expect(await row.textContent()).to.include('INSTANCE_CREATE').and.match(/HTTP 400/);
    await panel.getByRole('checkbox', { name: /^Choose INSTANCE_CREATE #\d+$/ }).check();

    refuse = false;
    await panel.getByRole('button', { name: 'Replay chosen' }).click();
    await panel.getByText('1 event put back in line.').waitFor();
    await eventually(() => receiver.accepted.some((r) => r.body.instance === 'hooked'), 5_000, 'the replayed delivery');
    expect((await running.api.get('/outbox/deadLetters/hooked')).body.total).to.equal(0);
  });

  it('deletes an instance only after confirmation', async () => {
    const created = await running.api.post('/instance/create', { instanceName: 'spare' });
    expect(created.status).to.equal(201);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/manager`);
    await logIn(page, API_KEY);
    await page.getByRole('button', { name: 'Open spare' }).click();
    const panel = page.locator('[data-panel="spare"]');

    await panel.getByRole('button', { name: 'Delete' }).click();
    await panel.getByText('Delete spare and all its data? This cannot be undone.').waitFor();
    await panel.getByRole('button', { name: 'Cancel' }).click();
    expect((await running.api.get('/instance/fetchInstances?instanceName=spare')).status).to.equal(200);

    await panel.getByRole('button', { name: 'Delete' }).click();
    await panel.getByRole('button', { name: 'Yes, delete' }).click();
    await page.locator('[data-instance="spare"]').waitFor({ state: 'detached' });
    expect((await running.api.get('/instance/fetchInstances?instanceName=spare')).status).to.equal(404);
  });

  it("with an instance's token shows that instance only, and cannot create", async () => {
    const created = await running.api.post('/instance/create', { instanceName: 'own' });
    expect(created.status).to.equal(201);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/manager`);
    await logIn(page, created.body.hash);
    await page.locator('[data-instance="own"]').waitFor();
    expect(await page.locator('[data-instance]').count()).to.equal(1);

    await page.getByLabel('Instance name').fill('not-mine');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Only the global API key can create instances.').waitFor();
    expect((await running.api.get('/instance/fetchInstances?instanceName=not-mine')).status).to.equal(404);
  });

  it('signing out forgets the key', async () => {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/manager`);
    await logIn(page, API_KEY);
    await page.getByRole('heading', { name: 'Instances' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await storage(page)).to.deep.equal({ session: {}, local: {} });
    await page.reload();
    expect(await page.getByRole('heading', { name: 'Instances' }).count()).to.equal(0);
  });
});
