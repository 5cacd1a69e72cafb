#!/usr/bin/env node
// policyweb's browser checks, run by ./run.sh over a built site:
//   node check.mjs SITE_DIR SITE_TOML SCREENSHOT_DIR
//
// Serves SITE_DIR on 127.0.0.1 with the small static server below, opens it
// in Debian's headless Chromium (never a downloaded browser) and checks:
//   - axe-core, WCAG 2.2 A and AA rules, on every page (and the 404 page);
//   - the same in dark mode, and on a policy filtered by the audience switcher;
//   - the audience switcher by keyboard (Tab, Enter, Space): sections hidden and
//     shown, aria-pressed and the live region updated;
//   - the skip link, visible focus, no sideways scrolling at 320 and 375 px;
//   - at 375 px: for/parents/ under 8,000 px tall, a pupil's own heading within 1,500 px;
//   - that without JavaScript the switcher links lead to the filtered pages;
//   - the print stylesheet (no navigation, external URLs shown, page breaks);
//   - search: results for typed queries, the audience filter, keyboard use;
//   - that no page asks for anything from another host.
// It writes screenshots (375 px and 1280 px wide) and a printed policy (PDF)
// into SCREENSHOT_DIR, and ends with "N passed, N failed"; exit 1 on any failure.

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_VERSION = require('axe-core/package.json').version;

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.ico': 'image/x-icon',
  '.xml': 'application/xml', '.ics': 'text/calendar; charset=utf-8',
};

// ---------------------------------------------------------------- results

let passed = 0;
let failed = 0;
function pass(name) { passed += 1; console.log(`ok    ${name}`); }
function fail(name, details) {
  failed += 1;
  console.log(`FAIL  ${name}`);
  for (const line of [].concat(details)) console.log(`      ${line}`);
}
function check(name, condition, details) { if (condition) pass(name); else fail(name, details); }

// ---------------------------------------------------------------- the site

function listHtml(root, rel = '') {
  const found = [];
  for (const name of readdirSync(path.join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(root, r)).isDirectory()) found.push(...listHtml(root, r));
    else if (name.endsWith('.html') && r !== '404.html') found.push(r);
  }
  return found;
}

// A static server for the built folder, bound to loopback: directories serve
// their index.html; anything missing gets 404.html with status 404.
function serve(root) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, path.normalize(rel));
    let status = 200;
    let body;
    try {
      if (!file.startsWith(root + path.sep)) throw new Error('outside the site');
      body = readFileSync(file);
    } catch {
      status = 404;
      body = readFileSync(path.join(root, '404.html'));
    }
    const type = status === 404 ? TYPES['.html'] : TYPES[path.extname(file)] || 'application/octet-stream';
    res.writeHead(status, { 'content-type': type, 'content-length': body.length });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// The site's base_url: the 404 page's links are absolute (it is served at any
// address), so requests to it are answered from the local folder.
function baseUrl(siteToml) {
  const match = readFileSync(siteToml, 'utf8').match(/^base_url\s*=\s*"([^"]+)"/m);
  if (!match) return null;
  return match[1].endsWith('/') ? match[1] : `${match[1]}/`;
}

// ---------------------------------------------------------------- helpers

async function axe(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: AXE_SOURCE });
  }
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_TAGS,
  );
  const details = [];
  for (const v of result.violations) {
    for (const node of v.nodes) {
      details.push(`${label}: ${v.id} (${v.impact}) at ${node.target.join(' ')}: ${v.help} ${v.helpUrl}`);
    }
  }
  check(`axe ${label}`, result.violations.length === 0, details);
}

async function noSidewaysScroll(page, label) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(`no sideways scrolling at ${width}px: ${label}`, scroll <= width, `page is ${scroll}px wide`);
}

async function shot(page, dir, name, width) {
  await page.setViewportSize({ width, height: 900 });
  await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: true });
}

// The switcher's state: which buttons are pressed, which sections show.
function switcherState(page) {
  return page.evaluate(() => ({
    pressed: [...document.querySelectorAll('.audience-switcher button[aria-pressed="true"]')]
      .map((b) => b.dataset.audience),
    status: document.querySelector('.audience-switcher [role="status"]')?.textContent ?? null,
    sections: [...document.querySelectorAll('.policy-body section[data-audiences]')].map((s) => ({
      id: s.id,
      audiences: s.dataset.audiences.split(' '),
      shown: s.checkVisibility(),
    })),
  }));
}

async function tabTo(page, selector, limit = 80) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return true;
  }
  return false;
}

function filteredFor(state, audience) {
  const wrong = state.sections.filter((s) => s.shown !== s.audiences.includes(audience));
  return wrong.map((s) => `#${s.id} (${s.audiences.join(' ')}) is ${s.shown ? 'shown' : 'hidden'}`);
}

// ---------------------------------------------------------------- checks

async function checkSwitcherByKeyboard(page, url) {
  await page.goto(url);
  const start = await switcherState(page);
  check('switcher: starts with the whole policy, "Everyone" pressed',
    start.pressed.length === 1 && start.pressed[0] === '' && start.sections.every((s) => s.shown),
    JSON.stringify(start.pressed));
  const reached = await tabTo(page, '.audience-switcher button[data-audience="parents"]');
  check('switcher: Tab reaches the "Parents and carers" button', reached, 'not reached in 80 presses of Tab');
  if (!reached) return;
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check('switcher: the focused button shows a focus outline', outline !== 'none', `outline-style: ${outline}`);
  await page.keyboard.press('Enter');
  let state = await switcherState(page);
  check('switcher: Enter shows only the parents\' sections', filteredFor(state, 'parents').length === 0,
    filteredFor(state, 'parents'));
  check('switcher: aria-pressed follows Enter', state.pressed.join() === 'parents', JSON.stringify(state.pressed));
  check('switcher: the live region announces the change', /Parents and carers/.test(state.status ?? ''),
    `status: ${JSON.stringify(state.status)}`);
  const tocHidden = await page.evaluate(() => [...document.querySelectorAll('.toc a[href^="#"]')]
    .filter((a) => document.getElementById(a.hash.slice(1))?.checkVisibility() !== a.checkVisibility())
    .map((a) => a.hash));
  check('switcher: the contents list only links to shown sections', tocHidden.length === 0, tocHidden);
  await axe(page, 'policy filtered to parents');

  await tabTo(page, '.audience-switcher button[data-audience="pupils"]', 5);
  await page.keyboard.press('Space');
  state = await switcherState(page);
  check('switcher: Space shows only the pupils\' sections', filteredFor(state, 'pupils').length === 0,
    filteredFor(state, 'pupils'));
  check('switcher: aria-pressed follows Space', state.pressed.join() === 'pupils', JSON.stringify(state.pressed));

  let onEveryone = false;
  for (let i = 0; i < 8 && !onEveryone; i += 1) {
    await page.keyboard.press('Shift+Tab');
    onEveryone = await page.evaluate(() => document.activeElement?.dataset.audience === '');
  }
  check('switcher: Shift+Tab goes back to "Everyone"', onEveryone, 'focus is elsewhere');
  await page.keyboard.press('Enter');
  state = await switcherState(page);
  check('switcher: "Everyone" shows every section again',
    state.sections.every((s) => s.shown) && state.pressed.join() === '', JSON.stringify(state.pressed));

  await page.click('.audience-switcher button[data-audience="parents"]');
  const elsewhere = (await switcherState(page)).sections.find((s) => !s.shown);
  if (elsewhere) {
    await page.evaluate((id) => { window.location.hash = id; }, elsewhere.id);
    await page.waitForFunction((id) => document.getElementById(id).checkVisibility(), elsewhere.id, { timeout: 2000 })
      .catch(() => {});
    state = await switcherState(page);
    check('switcher: a link to a hidden part shows the whole policy again',
      state.sections.every((s) => s.shown) && state.pressed.join() === '', `#${elsewhere.id} stays hidden`);
  } else {
    fail('switcher: a link to a hidden part shows the whole policy again', 'no section is hidden for parents');
  }
}

async function checkSkipLink(page, url) {
  await page.goto(url);
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    return { cls: el.className, visible: box.top >= 0 && box.height > 0 };
  });
  check('skip link: first Tab stop, visible when focused', first.cls === 'skip-link' && first.visible,
    JSON.stringify(first));
  await page.keyboard.press('Enter');
  const target = await page.evaluate(() => document.activeElement?.id);
  check('skip link: Enter moves focus to the main content', target === 'pw-main', `focus on #${target}`);
}

async function checkWithoutJavaScript(context, policyUrl) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  await page.goto(policyUrl);
  const links = await page.evaluate(() => [...document.querySelectorAll('.audience-switcher a[data-audience]')]
    .map((a) => a.href));
  check('no JavaScript: the switcher offers links to the filtered pages', links.length > 1, `${links.length} links`);
  if (links.length) {
    const response = await page.goto(links[0]);
    const sections = await page.evaluate(() => document.querySelectorAll('.policy-body section').length);
    check('no JavaScript: a switcher link opens the filtered page',
      response.status() === 200 && sections > 0, `HTTP ${response.status()}, ${sections} sections`);
  }
  await page.close();
}

async function checkPrint(page, url, pdfPath) {
  await page.goto(url);
  await page.emulateMedia({ media: 'print' });
  const print = await page.evaluate(() => {
    const hidden = (s) => [...document.querySelectorAll(s)].every((e) => getComputedStyle(e).display === 'none');
    const external = document.querySelector('.policy-body a[href^="http"], .related a[href^="http"]');
    return {
      chrome: ['.site-nav', '.breadcrumbs', '.site-footer', '.audience-switcher', '.toc', '.skip-link']
        .filter((s) => !hidden(s)),
      externalUrl: external ? getComputedStyle(external, '::after').content : null,
      // Major sections (with sections inside) after the first start a new page.
      breaks: [...document.querySelectorAll('.policy-body > section')].slice(1).map((section) => ({
        id: section.id,
        major: section.querySelector(':scope > section') !== null,
        breakBefore: getComputedStyle(section.querySelector(':scope > h2')).breakBefore,
      })),
      headingsKept: [...document.querySelectorAll('.policy-body h2, .policy-body h3')]
        .every((h) => getComputedStyle(h).breakAfter === 'avoid'),
    };
  });
  check('print: navigation, breadcrumbs, footer, switcher, contents and skip link are not printed',
    print.chrome.length === 0, `printed: ${print.chrome.join(', ')}`);
  check('print: external links show their URL', print.externalUrl !== null && print.externalUrl.includes('http'),
    `::after content: ${print.externalUrl}`);
  const wrongBreaks = print.breaks.filter((b) => (b.breakBefore === 'page') !== b.major);
  check('print: each major section starts a new page, short ones follow on',
    print.breaks.some((b) => b.major) && wrongBreaks.length === 0, JSON.stringify(wrongBreaks));
  check('print: headings stay with what follows them', print.headingsKept, 'a heading may end a page');
  await page.pdf({ path: pdfPath, format: 'A4', printBackground: false });
  await page.emulateMedia({ media: 'screen' });
}

// ---------------------------------------------------------------- main

// The records the search page searches, read as the page reads them.
function searchRecords(root) {
  const source = readFileSync(path.join(root, 'search/index.js'), 'utf8');
  const window = {};
  new Function('window', source)(window);
  return window.policywebSearch;
}

async function searchResults(page) {
  await page.waitForFunction(() => /result/i.test(document.getElementById('pw-search-status').textContent));
  return page.$$eval('#pw-search-results .search-result', (items) => items.map((li) => ({
    href: li.querySelector('a').getAttribute('href'),
    heading: li.querySelector('a').textContent,
    meta: li.querySelector('.search-result-meta').textContent,
    marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
  })));
}

// Search on the example site: "photos" finds the photograph sections of every
// policy that has one, each link opens at its section, the parents filter
// drops the staff-only ones, "DSL" finds the designated safeguarding lead,
// the header's box leads here, keyboard only works, and axe passes with results.
async function checkSearch(page, base, root) {
  const data = searchRecords(root);
  const photoPolicies = [...new Set(data.records
    .filter((r) => /photograph/i.test(r.heading))
    .map((r) => r.policy))].sort();
  await page.goto(`${base}search/index.html?q=photos`);
  let results = await searchResults(page);
  const found = new Set(results.map((r) => r.href.split('/')[2]));
  check('search "photos": every policy with a photographs section is found',
    photoPolicies.length > 1 && photoPolicies.every((id) => found.has(id)),
    [`expected ${photoPolicies.join(', ')}`, `found ${[...found].join(', ')}`]);
  check('search "photos": the photographs policy comes first',
    results.length > 0 && results[0].href.includes('/photographs/'), results.slice(0, 3).map((r) => r.href));
  check('search "photos": photographs and photos are highlighted',
    results.some((r) => r.marks.some((m) => /^photograph/i.test(m))) , results.slice(0, 3).map((r) => r.marks.join(' ')));
  await axe(page, 'search page with results');
  await page.emulateMedia({ colorScheme: 'dark' });
  await axe(page, 'search page with results in dark mode');
  await page.emulateMedia({ colorScheme: 'light' });

  const staffOnly = data.records.find((r) => /photograph/i.test(r.heading)
    && r.audiences.length === 1 && r.audiences[0] === 'staff');
  const staffHref = `../${staffOnly.url}`;
  check('search "photos" for everyone lists a staff-only section',
    results.some((r) => r.href === staffHref), staffHref);
  await page.selectOption('#pw-search-audience', 'parents');
  await page.waitForFunction(() => /parents/i.test(document.getElementById('pw-search-status').textContent));
  results = await searchResults(page);
  check('the parents filter drops every staff-only section',
    results.length > 0 && results.every((r) => r.href.startsWith('../for/parents/'))
      && !results.some((r) => r.heading === staffOnly.heading && r.href.includes(`/${staffOnly.policy}/`)),
    results.map((r) => r.href));
  const first = results[0].href;
  await page.click('#pw-search-results .search-result a');
  await page.waitForLoadState('load');
  const anchor = first.split('#')[1];
  const opened = await page.evaluate((a) => ({ hash: location.hash, there: !!document.getElementById(a) }), anchor);
  check('a result opens its section in the reader\'s view',
    page.url().includes('/for/parents/') && opened.hash === `#${anchor}` && opened.there, [page.url(), first]);

  await page.goto(`${base}search/index.html?q=DSL`);
  results = await searchResults(page);
  check('search "DSL" finds the designated safeguarding lead\'s sections',
    results.some((r) => r.marks.some((m) => /designated|safeguarding|lead/i.test(m))), results.slice(0, 5).map((r) => `${r.heading}: ${r.marks.join(' ')}`));

  // Keyboard only: from the home page's header box to a result.
  await page.goto(`${base}index.html`);
  await tabTo(page, '#pw-site-q');
  await page.keyboard.type('photograph');
  await page.keyboard.press('Enter');
  await page.waitForURL(/search\/index\.html\?q=photograph/);
  results = await searchResults(page);
  check('the header\'s search box leads to results on the search page', results.length > 0, page.url());
  const reached = await tabTo(page, '#pw-search-results .search-result a', 200);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#/, { timeout: 5000 }).catch(() => {});
  check('a result opens by keyboard', reached && page.url().includes('#'), page.url());

  // On an audience's page the header box searches for that reader.
  await page.goto(`${base}for/parents/index.html`);
  await page.fill('#pw-site-q', 'photos');
  await page.press('#pw-site-q', 'Enter');
  await page.waitForURL(/search\/index\.html/);
  const chosen = await page.$eval('#pw-search-audience', (s) => s.value);
  check('an audience page\'s search box preselects that audience', chosen === 'parents', chosen);
}

async function main() {
  const started = Date.now();
  const [siteArg, tomlArg, shotsArg] = process.argv.slice(2);
  if (!siteArg || !tomlArg || !shotsArg) {
    console.error('usage: node check.mjs SITE_DIR SITE_TOML SCREENSHOT_DIR');
    process.exit(2);
  }
  const root = path.resolve(siteArg);
  const shots = path.resolve(shotsArg);
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const pages = listHtml(root);
  const html = (rel) => readFileSync(path.join(root, rel), 'utf8');
  const audiences = pages.filter((p) => /^for\/[^/]+\/index\.html$/.test(p)).map((p) => p.split('/')[1]);
  // The full policy with the most sections, so the switcher has most to do.
  const policies = pages.filter((p) => p.startsWith('policies/'));
  const policy = policies
    .map((p) => ({ p, n: (html(p).match(/data-audiences=/g) || []).length }))
    .filter(({ p }) => html(p).includes('class="audience-switcher"'))
    .sort((a, b) => b.n - a.n)[0]?.p;
  if (!policy) throw new Error('no full policy page with an audience switcher');
  const id = policy.split('/')[1];
  // A pupils' view with shared sections folded after their own.
  const pupilsView = pages
    .filter((p) => /^for\/pupils\/[^/]+\/index\.html$/.test(p) && html(p).includes('class="more-about"'))
    .sort()[0];
  const freePage = pages.find((p) => p === 'accessibility/index.html')
    || pages.find((p) => /^[^/]+\/index\.html$/.test(p) && !['reviews', 'age-limits', 'glossary'].includes(p.split('/')[0]));

  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const published = baseUrl(path.resolve(tomlArg));
  const profile = mkdtempSync(path.join(os.tmpdir(), 'policyweb-chromium-'));
  const offsite = [];
  let browser;
  try {
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
    });
    // Only loopback: anything else is aborted and reported as a failure.
    const route = async (r) => {
      const url = r.request().url();
      const { hostname } = new URL(url);
      if (hostname === '127.0.0.1') return r.continue();
      if (published && url.startsWith(published)) {
        const response = await r.fetch({ url: base + url.slice(published.length) });
        return r.fulfill({ response });
      }
      offsite.push(url);
      return r.abort();
    };
    await browser.route('**/*', route);
    const page = browser.pages()[0] || await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));

    console.log(`axe-core ${AXE_VERSION} (${WCAG_TAGS.join(', ')}) on ${pages.length + 1} pages`);
    for (const rel of pages) {
      const response = await page.goto(base + rel);
      if (response.status() !== 200) fail(`HTTP 200 for ${rel}`, `HTTP ${response.status()}`);
      await axe(page, rel);
    }
    const missing = await page.goto(`${base}no/such/page/`);
    check('a missing address gets the 404 page with status 404', missing.status() === 404, `HTTP ${missing.status()}`);
    await axe(page, '404 page');

    await page.emulateMedia({ colorScheme: 'dark' });
    for (const rel of ['index.html', policy]) {
      await page.goto(base + rel);
      await axe(page, `${rel} in dark mode`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await checkSkipLink(page, base + policy);
    await checkSwitcherByKeyboard(page, base + policy);
    await checkWithoutJavaScript(browser, base + policy);
    await checkPrint(page, base + policy, path.join(shots, `print-${id}.pdf`));
    if (pages.includes('search/index.html')) await checkSearch(page, base, root);

    const types = [
      ['home', 'index.html'],
      ['policy', policy],
      ['view', `for/parents/${id}/index.html`],
      ...audiences.map((a) => [`audience-${a}`, `for/${a}/index.html`]),
      ...audiences.map((a) => [`handbook-${a}`, `for/${a}/all/index.html`]),
      ['pupils-view', pupilsView],
      ['page', freePage],
      ['reviews', 'reviews/index.html'],
      ['age-limits', 'age-limits/index.html'],
      ['glossary', 'glossary/index.html'],
      ['search', 'search/index.html?q=photos'],
      ['404', 'no/such/page/'],
    ].filter(([, rel]) => rel && (rel.startsWith('no/') || pages.includes(rel.split('?')[0])));
    await page.setViewportSize({ width: 320, height: 800 });
    for (const [name, rel] of types) {
      await page.goto(base + rel);
      await noSidewaysScroll(page, name);
    }
    // At real size on a 375 px phone: a parent's landing page is a few
    // screens, and a pupil's own rules are on the first screens of their view.
    await page.setViewportSize({ width: 375, height: 800 });
    for (const [name, rel] of types) {
      await page.goto(base + rel);
      await noSidewaysScroll(page, name);
    }
    if (pages.includes('for/parents/index.html')) {
      await page.goto(`${base}for/parents/index.html`);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      check(`for/parents/ is under 8,000 px tall at 375 px (${height} px)`, height < 8000, `${height} px`);
    }
    if (pupilsView) {
      await page.goto(base + pupilsView);
      const top = await page.evaluate(() => {
        const own = document.querySelector('.policy-body section[data-audiences="pupils"] > h2');
        return own ? own.getBoundingClientRect().top + window.scrollY : Infinity;
      });
      check(`${pupilsView}: the first pupils' heading is within 1,500 px (${Math.round(top)} px)`, top < 1500, `${top} px`);
    }
    for (const [name, rel] of types) {
      await page.goto(base + rel);
      await shot(page, shots, name, 375);
      await shot(page, shots, name, 1280);
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const [name, rel] of types.filter(([n]) => n === 'home' || n === 'policy')) {
      await page.goto(base + rel);
      await shot(page, shots, `${name}-dark`, 375);
    }
    console.log(`screenshots and the printed policy are in ${shots}`);

    check('no JavaScript errors on any page', errors.length === 0, errors);
    check('no request leaves 127.0.0.1', offsite.length === 0, [...new Set(offsite)]);
  } catch (error) {
    fail('browser checks ran to the end', String(error && error.stack || error));
  } finally {
    if (browser) await browser.close().catch(() => {});
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`\nbrowser checks took ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
