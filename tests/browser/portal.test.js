// The portal in a real browser (issue 14, "Done when"): headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core) against the built
// `kintsugi serve`, in English, Japanese and Arabic:
//  - the identify flow with real files chosen in the page: the verdict, the
//    evidence in the page's language, and the request, which must carry each
//    file's first and last 64 KiB and nothing more;
//  - every page in a desktop and a phone viewport: a screenshot of each, no
//    sideways scrolling on the phone, no console error, no CSP violation,
//    no request to another origin;
//  - without JavaScript: the advice pages and the typed-names form;
//  - the keyboard: the first Tab reaches the skip link; every input has a
//    label.
//
// Environment (set by CTest, tests/CMakeLists.txt):
//   KINTSUGI_BINARY       the built kintsugi
//   KINTSUGI_SOURCE_ROOT  the source tree (examples/, web/i18n/)
//   KINTSUGI_SCREENSHOTS  where the screenshots go (never in the source tree)
//   KINTSUGI_CHROMIUM     the browser (default /usr/bin/chromium)
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

// What identify.js sends of each file (limits.h kFileHeadBytes and
// kFileTailBytes).
const HEAD = 64 * 1024;
const TAIL = 64 * 1024;
const BIG_SIZE = 300 * 1024;

const LANGUAGES = ['en', 'ja', 'ar'];
// Letters of the language's own script: its evidence must be written in it.
const SCRIPT = { ja: /[\u3040-\u30ff\u4e00-\u9fff]/, ar: /[\u0600-\u06ff]/ };
const RTL = new Set(['ar', 'fa', 'he']);
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};
// Every page of the menu, by its path under /{lang}/ ('result' is reached
// through the identify form).
const PAGES = ['', 'identify', 'decryptors', 'prevention', 'report',
  'partners', 'privacy'];

// A language is tested when its catalog is in the source tree (and so built
// into the binary); ja and ar arrive with their translations.
function skipReason(lang) {
  const catalog = path.join(SOURCE_ROOT, 'web', 'i18n', `${lang}.json`);
  return fs.existsSync(catalog)
    ? false
    : `web/i18n/${lang}.json is not in this tree yet: ${lang} is not tested`;
}

let work;       // the temporary folder: data home and chosen files
let server;     // the kintsugi serve child process
let serverExit; // resolves to [code, signal] when it ends
let base;       // http://127.0.0.1:PORT/
let browser;
let files;      // { readme, photo, big }: paths of the files to choose
let english;    // en.json's messages

function startServer() {
  const env = { ...process.env, XDG_DATA_HOME: path.join(work, 'data') };
  server = spawn(BINARY, ['serve', '--listen', '127.0.0.1:0', '--json',
    '--rate-limit', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
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

before(async () => {
  assert.ok(BINARY, 'KINTSUGI_BINARY is not set');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kintsugi-browser-'));
  const chosen = path.join(work, 'chosen');
  fs.mkdirSync(chosen);
  files = {
    readme: path.join(chosen, '_readme.txt'),
    photo: path.join(chosen, 'holiday-photo.jpg.djvu'),
    big: path.join(chosen, 'big.docx.djvu'),
  };
  fs.copyFileSync(path.join(SOURCE_ROOT, 'examples', '_readme.txt'),
    files.readme);
  fs.copyFileSync(path.join(SOURCE_ROOT, 'examples', 'holiday-photo.jpg.djvu'),
    files.photo);
  fs.writeFileSync(files.big, crypto.randomBytes(BIG_SIZE));
  english = JSON.parse(fs.readFileSync(
    path.join(SOURCE_ROOT, 'web', 'i18n', 'en.json'), 'utf8')).messages;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // Without a Japanese font the ja screenshots show empty boxes.
  const japanese = execFileSync('fc-list', [':lang=ja', 'family'],
    { encoding: 'utf8' });
  assert.ok(japanese.trim() !== '',
    'no Japanese font (scripts/install-deps installs fonts-ipafont-gothic)');
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
    // SIGTERM is the ordinary way to stop it: exit 0 (cmd_serve.cpp).
    assert.equal(code, 0, `kintsugi serve stopped by ${signal}, exit ${code}`);
  }
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

// A page in a fresh context that records what must never happen: console
// errors, uncaught exceptions, CSP violations, requests to another origin.
async function openPage(options = {}) {
  const context = await browser.newContext(options);
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
  if (options.javaScriptEnabled !== false) {
    // Injected by the browser's debugging protocol, so the CSP under test
    // does not apply to it.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
  }
  return { context, page, problems };
}

async function checkLanguage(page, lang) {
  const root = page.locator('html');
  assert.equal(await root.getAttribute('lang'), lang);
  assert.equal(await root.getAttribute('dir'), RTL.has(lang) ? 'rtl' : 'ltr');
}

// The literal text of the English evidence and verdict templates, which a
// page in another language must not show ("file name ends in").
function englishFragments() {
  const fragments = new Set();
  for (const [id, message] of Object.entries(english)) {
    if (!/^(evidence|verdict|input|identify)\./.test(id)) continue;
    // A message with plural forms is an object of them.
    const texts = typeof message === 'string' ? [message]
      : Object.values(message).filter((t) => typeof t === 'string');
    for (const part of texts.flatMap((t) => t.split(/\{[^}]*\}/))) {
      const words = part.replace(/[^A-Za-z' ]+/g, ' ').trim();
      if (words.split(/\s+/).length >= 3) fragments.add(words);
    }
  }
  return [...fragments];
}

function decode(base64) {
  return base64 === undefined ? Buffer.alloc(0) : Buffer.from(base64, 'base64');
}

// The POST of the identify form: the evidence field alone, each file's head
// and tail at most 64 KiB and equal to the file's own first and last bytes,
// nothing from the middle of the big file, far less than the files.
function checkRequest(request) {
  assert.match(request.headers()['content-type'],
    /^application\/x-www-form-urlencoded/);
  const body = request.postDataBuffer();
  const form = new URLSearchParams(body.toString('latin1'));
  assert.deepEqual([...form.keys()], ['evidence'],
    'only the evidence field travels');
  const evidence = JSON.parse(Buffer.from(form.get('evidence'), 'latin1')
    .toString('utf8'));
  assert.equal(evidence.files.length, 3);
  let sent = 0;
  for (const file of evidence.files) {
    const content = fs.readFileSync(path.join(work, 'chosen', file.name));
    assert.equal(file.size, content.length, file.name);
    const head = decode(file.head);
    const tail = decode(file.tail);
    assert.ok(head.length <= HEAD, `${file.name}: head of ${head.length}`);
    assert.ok(tail.length <= TAIL, `${file.name}: tail of ${tail.length}`);
    assert.ok(head.equals(content.subarray(0, head.length)),
      `${file.name}: the head is not the file's first bytes`);
    assert.ok(tail.equals(content.subarray(content.length - tail.length)),
      `${file.name}: the tail is not the file's last bytes`);
    assert.ok(head.length + tail.length <= Math.min(content.length, HEAD + TAIL),
      `${file.name}: head and tail overlap`);
    sent += head.length + tail.length;
  }
  const big = fs.readFileSync(files.big);
  const big_sent = evidence.files.find((f) => f.name === 'big.docx.djvu');
  assert.equal(decode(big_sent.head).length, HEAD);
  assert.equal(decode(big_sent.tail).length, TAIL);
  // 48 bytes from the middle, at each of the three alignments base64 can
  // give them: none of the encodings is in the body.
  const text = form.get('evidence');
  const middle = BIG_SIZE / 2;
  for (let shift = 0; shift < 3; ++shift) {
    const window = big.subarray(middle + shift, middle + shift + 48);
    assert.ok(!text.includes(window.toString('base64')),
      'the big file\'s middle bytes were sent');
    for (const file of evidence.files) {
      assert.ok(!decode(file.head).includes(window) &&
                !decode(file.tail).includes(window));
    }
  }
  // base64 is 4/3 of the bytes; URL encoding of '+', '/' and '=' adds some.
  const total = Object.values(files)
    .reduce((n, f) => n + fs.statSync(f).size, 0);
  assert.ok(body.length <= sent * 4 / 3 * 1.1 + 4096,
    `${body.length} bytes sent for ${sent} bytes of heads and tails`);
  assert.ok(body.length < total * 0.75,
    `${body.length} bytes sent for ${total} bytes of files`);
  return `the identify request: ${body.length} bytes for ${total} bytes ` +
    `of files (${sent} bytes of heads and tails)`;
}

async function checkResult(page, lang) {
  await checkLanguage(page, lang);
  const verdict = page.locator('.verdict');
  await assert.doesNotReject(verdict.waitFor());
  assert.match(await verdict.getAttribute('class'), /verdict-identified/);
  assert.match(await verdict.innerText(), /STOP\/Djvu/);
  const evidence = await page.locator('ul.evidence li').allInnerTexts();
  assert.ok(evidence.length > 0, 'no evidence listed');
  const inputs = await page.locator('main').innerText();
  for (const name of ['_readme.txt', 'holiday-photo.jpg.djvu',
    'big.docx.djvu']) {
    assert.ok(inputs.includes(name), `${name} is not among the inputs`);
  }
  // The command to run, left to right and from its first character even
  // in a right-to-left page.
  const commands = await page.locator('pre').evaluateAll((pres) =>
    pres.map((e) => [getComputedStyle(e).direction, e.scrollLeft]));
  assert.ok(commands.length > 0, 'no command to run');
  for (const command of commands) assert.deepEqual(command, ['ltr', 0]);
  const shown = [await verdict.innerText(), ...evidence].join('\n');
  const fragments = englishFragments();
  if (lang === 'en') {
    // The check below can fail: English pages do show these fragments.
    assert.ok(fragments.some((f) => shown.includes(f)),
      'no English template fragment found on the English result page');
    return;
  }
  for (const fragment of fragments) {
    assert.ok(!shown.includes(fragment),
      `English template text "${fragment}" on the ${lang} result page`);
  }
  for (const item of evidence) {
    assert.match(item, SCRIPT[lang], `evidence not in ${lang}: ${item}`);
  }
}

async function screenshot(page, lang, viewport, name) {
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${lang}-${viewport}-${name || 'home'}.png`),
    fullPage: true,
  });
}

async function checkNoSidewaysScroll(page, what) {
  const [scroll, inner] = await page.evaluate(() =>
    [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner,
    `${what} scrolls sideways on a phone: ${scroll} > ${inner} px`);
}

for (const lang of LANGUAGES) {
  for (const [viewport, size] of Object.entries(VIEWPORTS)) {
    test(`${lang} ${viewport}: every page, and identify with files`,
      { skip: skipReason(lang) }, async (t) => {
        const { context, page, problems } = await openPage({ viewport: size });
        try {
          for (const name of PAGES) {
            const response = await page.goto(`${base}${lang}/${name}`);
            assert.equal(response.status(), 200, `/${lang}/${name}`);
            await checkLanguage(page, lang);
            await screenshot(page, lang, viewport, name);
            if (viewport === 'phone') {
              await checkNoSidewaysScroll(page, `/${lang}/${name}`);
            }
          }
          await page.goto(`${base}${lang}/identify`);
          await page.setInputFiles('#files',
            [files.readme, files.photo, files.big]);
          const [request] = await Promise.all([
            page.waitForRequest((r) => r.method() === 'POST' &&
              r.url() === `${base}${lang}/result`),
            page.waitForURL(`${base}${lang}/result`),
            page.click('button[type="submit"]'),
          ]);
          t.diagnostic(checkRequest(request));
          await checkResult(page, lang);
          await screenshot(page, lang, viewport, 'result');
          if (viewport === 'phone') {
            await checkNoSidewaysScroll(page, `/${lang}/result`);
          }
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      });
  }

  test(`${lang} without JavaScript: advice pages and the typed-names form`,
    { skip: skipReason(lang) }, async () => {
      const { context, page, problems } = await openPage({
        javaScriptEnabled: false, viewport: VIEWPORTS.phone,
      });
      try {
        await page.goto(`${base}${lang}/`);
        const steps = page.locator('ol.steps > li');
        assert.equal(await steps.count(), 6);
        for (const step of await steps.all()) {
          assert.ok(await step.isVisible());
          assert.ok((await step.innerText()).trim().length > 20);
        }
        await page.goto(`${base}${lang}/prevention`);
        const advice = page.locator('ul.advice > li');
        assert.equal(await advice.count(), 7);
        for (const item of await advice.all()) {
          assert.ok(await item.isVisible());
          assert.ok((await item.innerText()).trim().length > 20);
        }
        await page.goto(`${base}${lang}/identify`);
        assert.ok(!(await page.locator('#files').isVisible()),
          'the file chooser shows though nothing would read the files');
        assert.ok(await page.locator('#names').isVisible());
        await page.fill('#names', 'holiday-photo.jpg.djvu\nreport.xlsx.djvu\n');
        await page.fill('#contacts', 'restore-example@fakemail.example\n');
        const [request] = await Promise.all([
          page.waitForRequest((r) => r.method() === 'POST'),
          page.waitForURL(`${base}${lang}/result`),
          page.click('button[type="submit"]'),
        ]);
        const form = new URLSearchParams(request.postData());
        assert.equal(form.get('evidence'), '');
        assert.match(form.get('names'), /holiday-photo\.jpg\.djvu/);
        await checkLanguage(page, lang);
        assert.match(await page.locator('.verdict').innerText(), /STOP\/Djvu/);
        assert.ok(await page.locator('ul.evidence li').count() > 0);
        await screenshot(page, lang, 'nojs', 'result');
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });

  test(`${lang} keyboard: the skip link first, every input labelled`,
    { skip: skipReason(lang) }, async () => {
      for (const javaScriptEnabled of [true, false]) {
        const { context, page } = await openPage({ javaScriptEnabled });
        try {
          for (const name of PAGES) {
            await page.goto(`${base}${lang}/${name}`);
            await page.keyboard.press('Tab');
            const focused = await page.evaluate(() => {
              const e = document.activeElement;
              const box = e.getBoundingClientRect();
              return { cls: e.className, href: e.getAttribute('href'),
                visible: box.width > 0 && box.height > 0 && box.left >= 0 &&
                  box.right <= window.innerWidth && box.top >= 0 };
            });
            assert.deepEqual(focused,
              { cls: 'skip', href: '#main', visible: true },
              `/${lang}/${name}: the first Tab`);
            await page.keyboard.press('Enter');
            await page.waitForURL(/#main$/);
          }
          await page.goto(`${base}${lang}/identify`);
          const unlabelled = await page.evaluate(() =>
            [...document.querySelectorAll('input, textarea, select, button')]
              .filter((e) => e.type !== 'hidden')
              .filter((e) => {
                const label = e.tagName === 'BUTTON'
                  ? e.innerText
                  : [...e.labels].map((l) => l.innerText).join('');
                return label.trim() === '' && !e.getAttribute('aria-label');
              })
              .map((e) => e.id || e.outerHTML));
          assert.deepEqual(unlabelled, [],
            `/${lang}/identify (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`);
        } finally {
          await context.close();
        }
      }
    });
}
