// t/browser/run.mjs -- mod_accounts in a real browser.
//
// Debian's Chromium, driven by playwright-core, against the suite's own
// httpd and PostgreSQL (t/96-browser.t starts this with the address of the
// default host).  Each test is a person doing one thing: the seed's story,
// a keyboard-only login, the account pages, the back button after logout,
// two browsers side by side.  axe-core checks every page it reaches (light
// and dark, with errors shown and not) against WCAG 2.1 AA; any console
// error (a 404, a CSP violation, a script error) fails the test it happened
// in.  Each test leaves screenshots of its last page (phone and desktop
// width, light and dark) in ACC_SCREENSHOTS.
//
// Prints TAP: "ok N - name" / "not ok N - name" and "# " diagnostics.
//
// Environment: ACC_BASE (http://host:port), ACC_SCREENSHOTS (a folder),
// ACC_MAIL_DIR (the caught mail), ACC_CHROMIUM (default /usr/bin/chromium),
// ACC_BROWSER_ONLY (run the tests whose name holds this text).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const BASE = process.env.ACC_BASE;
const SHOTS = process.env.ACC_SCREENSHOTS || 'screenshots';
const MAIL_DIR = process.env.ACC_MAIL_DIR;
const CHROMIUM = process.env.ACC_CHROMIUM || '/usr/bin/chromium';
const ONLY = process.env.ACC_BROWSER_ONLY || '';
const PASSWORD = 'Plum-Kettle-9417-quietly';
const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

if (!BASE) {
  console.log('1..0 # SKIP ACC_BASE is not set');
  process.exit(0);
}
mkdirSync(SHOTS, { recursive: true });

let counter = 0;
function unique(prefix) {
  counter += 1;
  return `${prefix}${process.pid}_${Date.now() % 100000000}_${counter}`;
}

class Failure extends Error {}
function check(cond, what) {
  if (!cond) throw new Failure(what);
}

// ---- a browser context that records what a person would not want to see

async function newContext(browser, t, opts = {}) {
  const ctx = await browser.newContext({ baseURL: BASE, ...opts });
  ctx.on('page', (page) => watch(page, t));
  return ctx;
}

function watch(page, t) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // The page itself answering an error status (a 404 page asked for on
    // purpose) is not a broken page; anything else is.
    const where = msg.location() && msg.location().url;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())
        && where === page.url()) return;
    t.console.push(`console: ${msg.text()} (${where || page.url()})`);
  });
  page.on('pageerror', (err) => t.console.push(`script error: ${err.message} (${page.url()})`));
  page.on('response', (res) => {
    // Our own pages answer errors on purpose (200 with errors, 4xx pages
    // asked for); a subresource that fails is what a person would see
    // as a broken page.
    if (res.status() >= 400 && res.request().resourceType() !== 'document') {
      t.console.push(`HTTP ${res.status()} for ${res.url()}`);
    }
  });
  page.on('requestfailed', (req) => {
    // ERR_ABORTED: the page was left before it came (a navigation).
    if (req.resourceType() !== 'document' && req.failure()?.errorText !== 'net::ERR_ABORTED') {
      t.console.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
    }
  });
}

// ---- accessibility

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// axe-core on the page as it is, in light and in dark: every violation
// becomes a line of t.a11y.
async function axe(page, t, label) {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    // Evaluated through the DevTools protocol, which the page's
    // Content-Security-Policy does not govern (no inline script is added).
    const has = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!has) await page.evaluate(AXE);
    const result = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
      AXE_TAGS,
    );
    t.pages.add(`${label} (${scheme})`);
    for (const v of result.violations) {
      const where = v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ');
      t.a11y.push(`${label} (${scheme}): ${v.id}: ${v.help} [${where}]`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

// Go to path (or follow what is on screen), then check the page.
async function visit(page, t, path, label) {
  const res = await page.goto(path);
  await axe(page, t, label || path);
  return res;
}

async function screenshots(page, name) {
  const files = [];
  for (const [width, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      const file = join(SHOTS, `${name}-${width}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      files.push(file);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return files;
}

// ---- what a person does

async function fill(page, label, value) {
  await page.getByLabel(label, { exact: true }).fill(value);
}

async function submit(page, name) {
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name, exact: true }).first().click(),
  ]);
  await page.waitForLoadState('load');
}

async function register(page, name, email, password = PASSWORD) {
  await page.goto('/accounts/register/');
  await fill(page, 'Username', name);
  await fill(page, 'Email', email || '');
  await fill(page, 'Password', password);
  await fill(page, 'Password confirmation', password);
  await submit(page, 'Sign up');
}

async function login(page, name, password = PASSWORD, path = '/accounts/login/') {
  await page.goto(path);
  await fill(page, 'Username', name);
  await fill(page, 'Password', password);
  await submit(page, 'Log in');
}

function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

async function text(page) {
  return page.locator('body').innerText();
}

// Whether the element with id gets the focus (autofocus is applied at the
// next rendering opportunity, so this waits a little for it).
async function focusedId(page, id) {
  try {
    await page.waitForFunction((x) => document.activeElement && document.activeElement.id === x, id,
                               { timeout: 3000 });
    return true;
  } catch (e) {
    return false;
  }
}

async function errorSummaryFocused(page) {
  return focusedId(page, 'errors');
}

// The link in the newest caught mail to address (waits up to 20 s).
async function mailedLink(address, pattern) {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    const files = readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).sort().reverse();
    for (const f of files) {
      const raw = readFileSync(join(MAIL_DIR, f), 'utf8');
      if (!raw.toLowerCase().includes(`to: ${address.toLowerCase()}`)) continue;
      const body = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g,
        (_, h) => String.fromCharCode(parseInt(h, 16)));
      const m = body.match(pattern);
      if (m) return m[0];
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

// ---- the tests

const tests = [];
function test(name, fn) {
  tests.push({ name, fn });
}

test('the seed story: guarded page, login with next, register, log in, reload, log out', async (browser, t) => {
  const ctx = await newContext(browser, t);
  const page = await ctx.newPage();
  const name = unique('story');

  await page.goto('/home/');
  check(/^\/accounts\/login\/\?next=(%2F|\/)home(%2F|\/)$/.test(pathOf(page)),
        `a guarded page sends to the login page with next (got ${pathOf(page)})`);
  await axe(page, t, 'login');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Create an account' }).click()]);
  check(pathOf(page).startsWith('/accounts/register/'), `"Create an account" leads to register/ (got ${pathOf(page)})`);
  await axe(page, t, 'register');

  // A validation error first.
  await fill(page, 'Username', name);
  await fill(page, 'Email', `${name}@example.com`);
  await fill(page, 'Password', PASSWORD);
  await fill(page, 'Password confirmation', PASSWORD + 'x');
  await submit(page, 'Sign up');
  check((await text(page)).includes('The two password fields didn’t match.'), 'the mismatch is said');
  check(await errorSummaryFocused(page), 'focus moves to the error summary');
  check(await page.getByLabel('Password confirmation', { exact: true }).getAttribute('aria-invalid') === 'true',
        'the failing field is aria-invalid');
  const describedBy = await page.getByLabel('Password confirmation', { exact: true }).getAttribute('aria-describedby');
  check(describedBy && (await page.locator(`#${describedBy.split(' ')[0]}`).innerText()).includes('didn’t match'),
        'the failing field is described by its error');
  check(await page.getByLabel('Username', { exact: true }).inputValue() === name, 'the username is kept');
  check(await page.getByLabel('Password', { exact: true }).inputValue() === '', 'passwords are not echoed');
  await axe(page, t, 'register with errors');

  await fill(page, 'Password', PASSWORD);
  await fill(page, 'Password confirmation', PASSWORD);
  await submit(page, 'Sign up');
  check(pathOf(page).startsWith('/accounts/login/'), `registering leads to the login page (got ${pathOf(page)})`);
  check((await text(page)).includes('Your account has been created. You can log in now.'),
        'the login page says the account was made');
  check(await focusedId(page, 'messages'), 'the message takes the focus, so it is read out');
  await axe(page, t, 'login after registering');

  await fill(page, 'Username', name);
  await fill(page, 'Password', PASSWORD);
  await submit(page, 'Log in');
  check(pathOf(page) === '/home/', `logging in arrives at the page first asked for (got ${pathOf(page)})`);
  check((await text(page)).includes(`Hello, ${name}!`), 'the guarded page greets the user');

  await page.reload();
  check(pathOf(page) === '/home/' && (await text(page)).includes(`Hello, ${name}!`), 'a reload keeps the user logged in');

  await page.goto('/accounts/logout/');
  await axe(page, t, 'logout (logged in)');
  await submit(page, 'Log out');
  check((await text(page)).includes('You have been logged out.'), 'the next page says the user logged out');
  await page.goto('/home/');
  check(pathOf(page).startsWith('/accounts/login/'), 'the guarded page asks for a login again');
  t.last = page;
});

test('keyboard only: Tab and Enter log in', async (browser, t) => {
  const ctx = await newContext(browser, t);
  const page = await ctx.newPage();
  const name = unique('keys');
  await register(page, name, `${name}@example.com`);
  await page.goto('/accounts/login/?next=%2Fhome%2F');
  // The username field has the focus when the page opens.
  check(await focusedId(page, 'id_username'), 'the login form starts in the username field');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement && document.activeElement.id === 'id_password'),
        'Tab moves to the password field');
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForURL('**/home/'), page.keyboard.press('Enter')]);
  check((await text(page)).includes(`Hello, ${name}!`), 'Enter logs in and arrives at /home/');
  t.last = page;
});

test('back button after logout shows no private page', async (browser, t) => {
  const ctx = await newContext(browser, t);
  const page = await ctx.newPage();
  const name = unique('back');
  await register(page, name, '');
  await login(page, name, PASSWORD, '/accounts/login/?next=%2Fhome%2F');
  check((await text(page)).includes(`Hello, ${name}!`), 'logged in at /home/');
  await page.goto('/accounts/logout/');
  await submit(page, 'Log out');
  for (let i = 0; i < 3; i++) {
    await page.goBack();
    const body = await text(page);
    check(!body.includes(`Hello, ${name}!`), `back ${i + 1}: no private page (at ${pathOf(page)})`);
  }
  t.last = page;
});

test('a second browser never sees the first one\'s session', async (browser, t) => {
  const a = await newContext(browser, t);
  const b = await newContext(browser, t);
  const pa = await a.newPage();
  const pb = await b.newPage();
  const name = unique('two');
  await register(pa, name, '');
  await login(pa, name, PASSWORD, '/accounts/login/?next=%2Fhome%2F');
  check((await text(pa)).includes(`Hello, ${name}!`), 'the first browser is logged in');
  await pb.goto('/home/');
  check(pathOf(pb).startsWith('/accounts/login/'), 'the second browser is asked to log in');
  t.last = pb;
});

test('JavaScript off: every flow still works', async (browser, t) => {
  const ctx = await newContext(browser, t, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  const name = unique('nojs');
  await register(page, name, '');
  await login(page, name, PASSWORD, '/accounts/login/?next=%2Fhome%2F');
  check((await text(page)).includes(`Hello, ${name}!`), 'register and log in without JavaScript');
  t.last = page;
});

test('the show-password button', async (browser, t) => {
  const ctx = await newContext(browser, t);
  const page = await ctx.newPage();
  await page.goto('/accounts/login/');
  const field = page.getByLabel('Password', { exact: true });
  check(await field.getAttribute('type') === 'password', 'the password is hidden at first');
  const show = page.getByRole('button', { name: 'Show password', exact: true });
  await show.click();
  check(await field.getAttribute('type') === 'text' && await show.getAttribute('aria-pressed') === 'true',
        '"Show" shows it (pressed)');
  await show.click();
  check(await field.getAttribute('type') === 'password' && await show.getAttribute('aria-pressed') === 'false',
        'pressed again, it hides it');
  await page.getByLabel('Password', { exact: true }).fill('secret-for-the-test');
  await show.click();
  await fill(page, 'Username', 'nobody-here');
  await submit(page, 'Log in');
  check(await page.getByLabel('Password', { exact: true }).getAttribute('type') === 'password',
        'a shown password is hidden again when the form is sent');
  const user = page.getByLabel('Username', { exact: true });
  check(await user.getAttribute('autocomplete') === 'username' && await user.getAttribute('autocapitalize') === 'none'
        && await user.getAttribute('spellcheck') === 'false', 'the username field is right for password managers');
  check(await field.getAttribute('autocomplete') === 'current-password', 'the password field says current-password');
  await axe(page, t, 'login with the button');
  t.last = page;
});

test('password change: a wrong old password, then a new one', async (browser, t) => {
  const ctx = await newContext(browser, t);
  const page = await ctx.newPage();
  const name = unique('chg');
  await register(page, name, `${name}@example.com`);
  await login(page, name);
  await visit(page, t, '/accounts/password/change/', 'password change');
  await fill(page, 'Old password', 'Wrong-Old-Password-1');
  await fill(page, 'New password', 'Saffron-Lantern-5520-gently');
  await fill(page, 'New password confirmation', 'Saffron-Lantern-5520-gently');
  await submit(page, 'Change my password');
  check((await text(page)).includes('Your old password was entered incorrectly. Please enter it again.'),
        'a wrong old password is said');
  check(await errorSummaryFocused(page), 'focus moves to the error summary');
  await axe(page, t, 'password change with errors');
  await fill(page, 'Old password', PASSWORD);
  await fill(page, 'New password', 'Saffron-Lantern-5520-gently');
  await fill(page, 'New password confirmation', 'Saffron-Lantern-5520-gently');
  await submit(page, 'Change my password');
  check(pathOf(page) === '/accounts/password/change/done/', `the done page (got ${pathOf(page)})`);
  check((await text(page)).includes('Your password was changed.'), 'it says the password was changed');
  await axe(page, t, 'password change done');
  const res = await page.goto('/.well-known/change-password');
  check(pathOf(page) === '/accounts/password/change/' && res.status() === 200,
        '/.well-known/change-password leads to the change page');
  t.last = page;
});

test('password reset through the mail', async (browser, t) => {
  const ctx = await newContext(browser, t);
  const page = await ctx.newPage();
  const name = unique('rst');
  const email = `${name}@example.com`;
  await register(page, name, email);
  await page.goto('/accounts/login/');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Forgotten your password?' }).click()]);
  check(pathOf(page) === '/accounts/password/reset/', 'the login page links to the reset page');
  await axe(page, t, 'password reset');
  await fill(page, 'Email address', 'not an address');
  await submit(page, 'Reset my password');
  check((await text(page)).includes('Enter a valid email address.'), 'a bad address is said');
  await axe(page, t, 'password reset with errors');
  await fill(page, 'Email address', email);
  await submit(page, 'Reset my password');
  check(pathOf(page) === '/accounts/password/reset/done/', 'the done page');
  await axe(page, t, 'password reset done');
  const link = await mailedLink(email, /https?:\/\/\S+\/accounts\/password\/reset\/[A-Za-z0-9_-]+\/[0-9a-z]+-[0-9a-f]{32}\//);
  check(link, 'the reset link arrives by mail');
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ''));
  check(/\/set-password\/$/.test(pathOf(page)), `the link moves to set-password/ (got ${pathOf(page)})`);
  await axe(page, t, 'set a new password');
  await fill(page, 'New password', 'Saffron-Lantern-5520-gently');
  await fill(page, 'Confirm password', 'Saffron-Lantern-5520-gently');
  await submit(page, 'Change my password');
  check(pathOf(page) === '/accounts/password/reset/complete/', 'the complete page');
  await axe(page, t, 'password reset complete');
  await login(page, name, 'Saffron-Lantern-5520-gently', '/accounts/login/?next=%2Fhome%2F');
  check((await text(page)).includes(`Hello, ${name}!`), 'the new password logs in');
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ''));
  await axe(page, t, 'a used reset link');
  check((await text(page)).includes('The password reset link was invalid'), 'the used link is refused');
  t.last = page;
});

test('profile and sessions pages', async (browser, t) => {
  const a = await newContext(browser, t);
  const b = await newContext(browser, t);
  const page = await a.newPage();
  const other = await b.newPage();
  const name = unique('prof');
  await register(page, name, `${name}@example.com`);
  await login(page, name);
  await login(other, name);
  await visit(page, t, '/accounts/profile/', 'profile');
  await fill(page, 'First name', 'Ada');
  await fill(page, 'Last name', 'Lovelace');
  await fill(page, 'Email address', 'not an address');
  await submit(page, 'Save');
  check((await text(page)).includes('Enter a valid email address.'), 'a bad address is said');
  await axe(page, t, 'profile with errors');
  await fill(page, 'Email address', `${name}@example.com`);
  await submit(page, 'Save');
  check((await text(page)).includes('Your profile was saved.'), 'the profile is saved');
  await visit(page, t, '/accounts/sessions/', 'sessions');
  check((await text(page)).includes('(this device)'), 'this device is marked');
  await submit(page, 'End all other sessions');
  await other.goto('/home/');
  check(pathOf(other).startsWith('/accounts/login/'), 'the other browser is logged out');
  t.last = page;
});

// A TOTP code of key (base32) for Unix time at, computed by Debian's
// oathtool: never by the module under test.
function totp(key, at = Math.floor(Date.now() / 1000)) {
  return execFileSync('oathtool', ['--totp', '-b', '-N', `@${at}`, key], { encoding: 'utf8' }).trim();
}

test('two-factor authentication: set up with the QR code page, log in with a code', async (browser, t) => {
  const ctx = await newContext(browser, t);
  const page = await ctx.newPage();
  const name = unique('mfa');
  await register(page, name, `${name}@example.com`);
  await login(page, name);
  await visit(page, t, '/accounts/mfa/', 'two-factor setup');
  const loaded = await page.locator('img[src$="/accounts/mfa/qr.svg"]')
    .evaluate((img) => img.complete && img.naturalWidth > 0);
  check(loaded, 'the QR code image loads');
  const key = (await page.locator('#mfa-secret').innerText()).trim();
  check(/^[A-Z2-7]{32}$/.test(key), `the key is shown as text (got ${key})`);
  // A code of an hour ago is no code now.
  await fill(page, 'Code', totp(key, Math.floor(Date.now() / 1000) - 3600));
  await submit(page, 'Switch on');
  check((await text(page)).includes('The code is not valid.'), 'a wrong code is said');
  check(await errorSummaryFocused(page), 'focus moves to the error summary');
  await axe(page, t, 'two-factor setup with errors');
  const now = Math.floor(Date.now() / 1000);
  await fill(page, 'Code', totp(key, now));
  await submit(page, 'Switch on');
  check((await text(page)).includes('Two-factor authentication is on.'), 'the right code switches it on');
  const codes = await page.locator('code.recovery-code').allInnerTexts();
  check(codes.length === 10, `ten recovery codes are shown (got ${codes.length})`);
  await axe(page, t, 'recovery codes');
  await page.goto('/accounts/logout/');
  await submit(page, 'Log out');
  await login(page, name, PASSWORD, '/accounts/login/?next=%2Fhome%2F');
  check(pathOf(page).startsWith('/accounts/login/mfa/'), `the password leads to the second step (got ${pathOf(page)})`);
  await axe(page, t, 'login: the second step');
  // The setup took this step's code: the next step's (within the
  // drift window) is the app's next one.
  await fill(page, 'Code', totp(key, now + 30));
  await submit(page, 'Verify');
  check((await text(page)).includes(`Hello, ${name}!`), 'the code logs in, to next');
  t.last = page;
});

test('every page, logged out and in, light and dark', async (browser, t) => {
  const ctx = await newContext(browser, t);
  const page = await ctx.newPage();
  for (const p of ['/accounts/login/', '/accounts/register/', '/accounts/logout/', '/accounts/password/reset/',
                   '/accounts/password/reset/done/', '/accounts/password/reset/complete/',
                   '/accounts/password/reset/MQ/1-00000000000000000000000000000000/',
                   '/accounts/verify/resend/', '/accounts/verify/sent/', '/accounts/verify/MQ/1-00/',
                   '/accounts/no-such-page/']) {
    await visit(page, t, p, `${p} (logged out)`);
  }
  await page.goto('/accounts/login/');
  await submit(page, 'Log in');
  check((await text(page)).includes('This field is required.'), 'an empty login says what is missing');
  await axe(page, t, 'login with errors');
  const name = unique('all');
  await register(page, name, `${name}@example.com`);
  await login(page, name);
  for (const p of ['/accounts/login/', '/accounts/logout/', '/accounts/profile/', '/accounts/sessions/',
                   '/accounts/password/change/', '/accounts/password/change/done/']) {
    await visit(page, t, p, `${p} (logged in)`);
  }
  t.last = page;
});

// ---- the runner

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const chosen = tests.filter((x) => x.name.includes(ONLY));
console.log(`1..${chosen.length}`);
let n = 0;
let failed = 0;
for (const { name, fn } of chosen) {
  n += 1;
  const t = { console: [], a11y: [], pages: new Set(), last: null };
  let error = null;
  try {
    await fn(browser, t);
  } catch (e) {
    error = e;
  }
  let files = [];
  const slug = `${String(n).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}`;
  if (t.last) {
    try {
      files = await screenshots(t.last, slug);
    } catch (e) {
      t.console.push(`screenshot failed: ${e.message}`);
    }
  }
  const problems = [];
  if (error) problems.push(error instanceof Failure ? `failed: ${error.message}` : `error: ${error.stack}`);
  for (const c of t.console) problems.push(c);
  for (const v of t.a11y) problems.push(`axe: ${v}`);
  if (problems.length) {
    failed += 1;
    console.log(`not ok ${n} - ${name}`);
    for (const p of problems) console.log(`# ${p.replace(/\n/g, '\n# ')}`);
  } else {
    console.log(`ok ${n} - ${name}`);
  }
  console.log(`# ${t.pages.size} page states checked by axe; screenshots: ${files.length ? files[0].replace(/-phone-light\.png$/, '-*.png') : 'none'}`);
  for (const c of browser.contexts()) await c.close();
}
await browser.close();
console.log(`# screenshots in ${SHOTS}`);
process.exit(failed ? 1 : 0);
