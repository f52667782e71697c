// The partner area in a real browser (issue 12, "Done when"): headless
// Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against
// the built `kintsugi serve --partners`, with accounts made by the
// `kintsugi partners` CLI:
//  - a submitter of one organisation logs in (password and a TOTP code
//    computed here, RFC 6238) and uploads a STOP/Djvu key dump; a second
//    dump, pasted, is embargoed until a date in the future;
//  - a reviewer of ANOTHER organisation logs in and approves both;
//  - `kintsugi release make` signs a release and `kintsugi kb verify`
//    checks it;
//  - as a victim: the public identify names STOP/Djvu and the public key
//    lookup (/api/v1/keys/...) returns the released key, never the
//    embargoed one;
//  - every partner page: a screenshot, no console error, no CSP violation,
//    no request to another origin, no key bytes in any page.
//
// Environment as portal.test.js's (tests/CMakeLists.txt): KINTSUGI_BINARY,
// KINTSUGI_SOURCE_ROOT, KINTSUGI_SCREENSHOTS, KINTSUGI_CHROMIUM.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { chromium } = require('playwright-core');

const BINARY = process.env.KINTSUGI_BINARY;
const SOURCE_ROOT =
  process.env.KINTSUGI_SOURCE_ROOT || path.resolve(__dirname, '..', '..');
const SCREENSHOTS =
  process.env.KINTSUGI_SCREENSHOTS ||
  path.join(os.tmpdir(), 'kintsugi-browser-screenshots');
const CHROMIUM = process.env.KINTSUGI_CHROMIUM || '/usr/bin/chromium';

// The personal ID of examples/_readme.txt, and one for the embargoed key.
const VICTIM_ID = '0452ExAmPlEsYnThEtIcIdNoTrEaLaBcDeFgHIt1';
const EMBARGOED_ID = '0452EmBaRgOeDsYnThEtIcIdNoTrEaLaBcDeFgt1';
const PASSWORD = 'a long partner password 42';

let work;       // temporary folder: data home, store, keys, bundle
let db;         // the SQLite store
let env;        // the environment of every kintsugi run
let server;
let serverExit;
let base;       // http://127.0.0.1:PORT/
let browser;
const secrets = {};  // user -> TOTP secret (base32)
const keys = {};     // victim ID -> PEM
let released;        // the submission ids
let embargoed;

// --- RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s), RFC 4648 base32 -----------

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(c);
    if (index < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(secret, seconds = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const mac = crypto.createHmac('sha1', base32Decode(secret))
    .update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

// The RFC 6238 appendix B vectors (SHA-1 seed "12345678901234567890", 8
// digits there: the last 6 here).
function checkTotp() {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of Buffer.from('12345678901234567890')) {
    bits += byte.toString(2).padStart(8, '0');
  }
  let b32 = '';
  for (let i = 0; i < bits.length; i += 5) {
    b32 += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  }
  assert.equal(totp(b32, 59), '287082');
  assert.equal(totp(b32, 1111111109), '081804');
  assert.equal(totp(b32, 2000000000), '279037');
}

// --- the CLI ---------------------------------------------------------------

function kintsugi(args, input) {
  try {
    return execFileSync(BINARY, args, {
      env, input: input ?? '', encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    throw new Error(`kintsugi ${args.join(' ')} exited ${e.status ?? e.message}:\n` +
      `${e.stdout}\n${e.stderr}`);
  }
}

// `kintsugi partners user add`: the password on stdin, the TOTP secret
// printed once in base32.
function addUser(name, org, role) {
  const out = kintsugi(['partners', 'user', 'add', name, '--org', org,
    '--role', role, '--db', db], `${PASSWORD}\n`);
  const found = out.match(/\b[A-Z2-7]{32}\b/);
  assert.ok(found, `no base32 TOTP secret in: ${out}`);
  secrets[name] = found[0];
}

function startServer() {
  server = spawn(BINARY, ['serve', '--listen', '127.0.0.1:0', '--json',
    '--rate-limit', '0', '--partners', '--db', db],
  { env, stdio: ['ignore', 'pipe', 'inherit'] });
  serverExit = new Promise((resolve) => {
    server.on('exit', (code, signal) => resolve([code, signal]));
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: server.stdout });
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line).url);
      } catch (e) {
        reject(new Error(`kintsugi serve --json printed ${line}`));
      }
    });
    serverExit.then(([code, signal]) =>
      reject(new Error(`kintsugi serve ended: ${code ?? signal}`)));
  });
}

function keyRecord(victimId) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  keys[victimId] = privateKey;
  return JSON.stringify({
    family: 'stop-djvu', handle: victimId, key_type: 'rsa-private-pem',
    key_pem: privateKey, case: 'op-browser', date: '2024-05-01',
  }) + '\n';
}

before(async () => {
  assert.ok(BINARY, 'KINTSUGI_BINARY is not set');
  checkTotp();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kintsugi-partners-'));
  db = path.join(work, 'store.sqlite');
  env = { ...process.env, XDG_DATA_HOME: path.join(work, 'data'),
    HOME: work };
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  kintsugi(['partners', 'org', 'add', 'Alpha CERT', '--kind', 'cert',
    '--db', db]);
  kintsugi(['partners', 'org', 'add', 'Beta Police', '--kind',
    'law-enforcement', '--db', db]);
  kintsugi(['partners', 'org', 'add', 'Kintsugi Ops', '--kind', 'research',
    '--db', db]);
  addUser('alice', 'Alpha CERT', 'submitter');
  addUser('bob', 'Beta Police', 'reviewer');
  addUser('ada', 'Kintsugi Ops', 'admin');
  base = await startServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true,
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    const [code, signal] = await serverExit;
    assert.equal(code, 0, `kintsugi serve stopped by ${signal}, exit ${code}`);
  }
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

// A fresh browser context that records what must never happen (as
// portal.test.js's openPage). Responses of 400 and more are expected
// nowhere in these flows.
async function openPage() {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.push(`${response.status()} for ${response.url()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) {
      problems.push(`request to another origin: ${request.url()}`);
    }
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { context, page, problems };
}

async function screenshot(page, name) {
  await page.screenshot({
    path: path.join(SCREENSHOTS, `partner-${name}.png`), fullPage: true,
  });
}

// No key's PEM body (any 48 characters of it) is in the page.
async function checkNoKeyBytes(page) {
  const html = await page.content();
  for (const pem of Object.values(keys)) {
    const body = pem.split('\n').filter((l) => !l.startsWith('-----'))
      .join('');
    for (let i = 0; i + 48 <= body.length; i += 200) {
      assert.ok(!html.includes(body.slice(i, i + 48)),
        `key bytes in ${page.url()}`);
    }
  }
}

async function login(page, user) {
  const response = await page.goto(`${base}partner/login`);
  assert.equal(response.status(), 200);
  assert.equal(response.headers()['set-cookie'], undefined);
  await page.fill('#user', user);
  await page.fill('#password', PASSWORD);
  await page.fill('#code', totp(secrets[user]));
  await Promise.all([
    page.waitForURL(`${base}partner/`),
    page.click('button[type="submit"]'),
  ]);
  const cookies = await page.context().cookies();
  assert.equal(cookies.length, 1, JSON.stringify(cookies));
  assert.equal(cookies[0].name, 'kintsugi-partner');
  assert.equal(cookies[0].path, '/partner/');
  assert.equal(cookies[0].httpOnly, true);
  assert.equal(cookies[0].sameSite, 'Strict');
  assert.match(await page.locator('.tagline').innerText(),
    new RegExp(`Signed in as ${user}`));
}

async function logout(page) {
  await Promise.all([
    page.waitForURL(`${base}partner/login`),
    page.click('nav button:has-text("Log out")'),
  ]);
  assert.deepEqual(await page.context().cookies(), []);
}

function futureDate(days) {
  const date = new Date(Date.now() + days * 86400 * 1000);
  return date.toISOString().slice(0, 10);
}

test('a submitter uploads a key dump and pastes an embargoed one',
  async () => {
    const { context, page, problems } = await openPage();
    try {
      await page.goto(`${base}partner/login`);
      await screenshot(page, 'login');
      await login(page, 'alice');
      await screenshot(page, 'home-empty');

      const dump = path.join(work, 'seized.jsonl');
      fs.writeFileSync(dump, keyRecord(VICTIM_ID));
      await page.goto(`${base}partner/submit`);
      await screenshot(page, 'submit');
      await page.selectOption('#kind', 'keys');
      await page.fill('#case_reference', 'op-2024-17');
      await page.setInputFiles('#file', dump);
      await Promise.all([
        page.waitForURL(/\/partner\/submissions\/\d+$/),
        page.click('main button[type="submit"]'),
      ]);
      released = page.url().match(/(\d+)$/)[1];
      assert.match(await page.locator('h1').innerText(), /pending/);
      const row = await page.locator('table.keys tbody tr').allInnerTexts();
      assert.equal(row.length, 1);
      assert.match(row[0], new RegExp(VICTIM_ID));
      assert.match(row[0], /rsa-private-pem/);
      await checkNoKeyBytes(page);
      await screenshot(page, 'submission-pending');

      await page.goto(`${base}partner/submit`);
      await page.fill('#case_reference', 'op-2024-18 (embargoed)');
      await page.fill('#embargo_until', futureDate(60));
      await page.selectOption('#format', 'jsonl');
      await page.fill('#content', keyRecord(EMBARGOED_ID));
      await Promise.all([
        page.waitForURL(/\/partner\/submissions\/\d+$/),
        page.click('main button[type="submit"]'),
      ]);
      embargoed = page.url().match(/(\d+)$/)[1];
      assert.match(await page.locator('dl.details').innerText(),
        new RegExp(futureDate(60)));
      await checkNoKeyBytes(page);

      await page.goto(`${base}partner/`);
      const listed = await page.locator('table.submissions tbody tr')
        .allInnerTexts();
      assert.equal(listed.length, 2);
      await screenshot(page, 'home');

      // A token for the partner API, shown once, that works.
      await page.goto(`${base}partner/tokens`);
      await page.fill('#name', 'nightly import');
      await Promise.all([
        page.waitForURL(`${base}partner/tokens`),
        page.click('form[action="/partner/tokens"] button[type="submit"]'),
      ]);
      const token = await page.locator('#new-token').innerText();
      assert.match(token, /^ksp_[A-Za-z0-9_-]{43}$/);
      await screenshot(page, 'tokens');
      const whoami = await fetch(`${base}api/v1/partner/whoami`,
        { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(whoami.status, 200);
      assert.equal((await whoami.json()).user, 'alice');
      const mine = await fetch(`${base}api/v1/partner/submissions`,
        { headers: { Authorization: `Bearer ${token}` } });
      assert.equal((await mine.json()).submissions.length, 2);

      await logout(page);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

test('a reviewer of another organisation approves both', async () => {
  assert.ok(released && embargoed, 'the submissions were not made');
  const { context, page, problems } = await openPage();
  try {
    await login(page, 'bob');
    await page.goto(`${base}partner/review`);
    const queued = page.locator('section.review');
    assert.equal(await queued.count(), 2);
    await checkNoKeyBytes(page);
    await screenshot(page, 'review-queue');
    for (const id of [released, embargoed]) {
      await page.goto(`${base}partner/review`);
      await page.fill(`#reason-${id}`, 'Checked against the case file.');
      await Promise.all([
        page.waitForURL(`${base}partner/submissions/${id}`),
        page.click(`button[name="decision"][value="approve"]:has-text("#${id}")`),
      ]);
      assert.match(await page.locator('h1').innerText(), /approved/);
      assert.match(await page.locator('dl.details').innerText(),
        /bob \(Beta Police\)/);
      await checkNoKeyBytes(page);
    }
    await screenshot(page, 'submission-approved');
    await page.goto(`${base}partner/review`);
    assert.equal(await page.locator('section.review').count(), 0);
    await logout(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a signed release; the victim finds the key, never the embargoed one',
  async () => {
    const secret = path.join(work, 'release.secret');
    const pub = path.join(work, 'release.public');
    const bundle = path.join(work, 'release.kbundle');
    kintsugi(['release', 'keygen', '--secret', secret, '--public', pub]);
    kintsugi(['release', 'make', '--db', db, '--secret', secret,
      '--out', bundle]);
    const verified = kintsugi(['kb', 'verify', bundle, '--public', pub]);
    assert.match(verified, /\d/, `kb verify printed: ${verified}`);
    assert.ok(!fs.readFileSync(bundle).includes(EMBARGOED_ID),
      'the embargoed key\'s handle is in the release bundle');

    const { context, page, problems } = await openPage();
    try {
      await login(page, 'ada');
      await page.goto(`${base}partner/releases`);
      assert.equal(await page.locator('main table tbody tr').count(), 1);
      await screenshot(page, 'releases');
      await page.goto(`${base}partner/audit`);
      assert.match(await page.locator('.chain').innerText(),
        /The chain holds/);
      const actions = await page.locator('table.audit tbody tr td:nth-child(4)')
        .allInnerTexts();
      for (const action of ['login', 'submit', 'review-approve', 'release',
        'token-create']) {
        assert.ok(actions.includes(action), `no ${action} in the audit view`);
      }
      await screenshot(page, 'audit');
      await logout(page);

      // The victim: identify in the public pages, then the key lookup.
      const victim = await openPage();
      try {
        await victim.page.goto(`${base}en/identify`);
        await victim.page.setInputFiles('#files', [
          path.join(SOURCE_ROOT, 'examples', '_readme.txt'),
          path.join(SOURCE_ROOT, 'examples', 'holiday-photo.jpg.djvu'),
        ]);
        await Promise.all([
          victim.page.waitForURL(`${base}en/result`),
          victim.page.click('button[type="submit"]'),
        ]);
        assert.match(await victim.page.locator('.verdict').innerText(),
          /STOP\/Djvu/);
        assert.deepEqual(await victim.context.cookies(), []);
        await screenshot(victim.page, 'victim-result');
        assert.deepEqual(victim.problems, []);
      } finally {
        await victim.context.close();
      }
      const found = await fetch(`${base}api/v1/keys/stop-djvu/${VICTIM_ID}`);
      assert.equal(found.status, 200);
      assert.equal(found.headers.get('set-cookie'), null);
      const records = await found.json();
      assert.equal(records.length, 1);
      assert.equal(records[0].handle, VICTIM_ID);
      assert.equal(records[0].key_pem, keys[VICTIM_ID]);
      const held = await fetch(`${base}api/v1/keys/stop-djvu/${EMBARGOED_ID}`);
      assert.equal(held.status, 200);
      assert.deepEqual(await held.json(), []);
      const asked = await fetch(`${base}api/v1/keys/stop-djvu?` +
        `handle_kind=victim-id&handle=${EMBARGOED_ID}`);
      assert.deepEqual(await asked.json(), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
