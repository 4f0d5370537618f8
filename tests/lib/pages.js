// The set-up every browser test file shares, on top of browser.js and fixtures.js: one
// suite object per file holds the server, the browser, its watched pages and the problems
// and API failures they collect; it closes browser and server after the file, keeps
// evidence (screenshot and page text) when a flow fails, and writes screenshots into
// test-results/. officeSuite is the common world: a server with one petition office
// account, its API session (suite.api, suite.call) and its page (suite.pages.office,
// suite.signedIn()).
// Not a test file.
'use strict';
const { before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { launchBrowser, openPage, signIn, keepEvidence, closeAll } = require('./browser.js');
const { root } = require('./server.js');
const { setupOffice, startAdmin, rootUnit } = require('./fixtures.js');

const RESULTS = path.join(root, 'test-results');

// A suite for the file; prefix names its evidence and screenshots. options.timeout: the
// pages' default timeout (10 s). suite.start (or setting suite.server) in a before hook
// makes the server; the browser starts with the first page opened.
function browserSuite(prefix, { timeout = 10000 } = {}) {
  const suite = {
    server: null,
    browser: null,
    pages: {},
    problems: [],
    apiFailures: [],
    get base() { return suite.server.base; },
    // Starts the file's server (options as fixtures.js startAdmin) and answers
    // { admin, root }: the signed-in administrator and the root unit 本矿.
    async start(options) {
      const { srv, admin } = await startAdmin(options);
      suite.server = srv;
      return { admin, root: await rootUnit(admin) };
    },
    // Opens a watched page as `who` (options as browser.js openPage) and keeps it in pages.
    // Pages opened at once share one browser: the first call launches it, the others
    // wait for that launch (two launches would leave one browser that nobody closes).
    async open(who, options) {
      if (!suite.launching) suite.launching = launchBrowser().then((b) => { suite.browser = b; return b; });
      await suite.launching;
      const watch = { problems: suite.problems, apiFailures: suite.apiFailures, timeout };
      suite.pages[who] = await openPage(suite.browser, who, watch, options);
      return suite.pages[who];
    },
    // Signs in on page as person ({ username, password }) through the login page.
    signIn(page, person) {
      return signIn(page, suite.base, person.username, person.password);
    },
    // Opens base + hash (e.g. '/#/incidents/new') on page and waits for selector.
    async visit(page, hash, selector) {
      await page.goto(suite.base + hash);
      await page.locator(selector).waitFor();
    },
    // Runs fn; when it fails, keeps every page's screenshot and text as
    // test-results/<prefix>[-name]-<who>.png and .txt, then fails.
    async run(name, fn) {
      try {
        await fn();
      } catch (e) {
        await keepEvidence(name ? `${prefix}-${name}` : prefix, suite.pages, suite.problems);
        throw e;
      }
    },
  };
  after(() => closeAll(suite.browser, suite.server));
  return suite;
}

// browserSuite with a server whose petition office account is `person` (setupOffice),
// its API session as suite.api and its page, not yet signed in, as suite.pages.office.
function officeSuite(prefix, person, options) {
  const suite = browserSuite(prefix, options);
  before(async () => {
    const world = await setupOffice(person);
    suite.server = world.srv;
    suite.api = world.office;
    await suite.open('office');
  });
  // The office page, signed in as person.
  suite.signedIn = async () => {
    await suite.signIn(suite.pages.office, person);
    return suite.pages.office;
  };
  // An API call as the petition office that must answer `status`; returns the body.
  suite.call = async (method, p, body, status) => {
    const r = await suite.api.request(method, p, body);
    assert.equal(r.status, status, `${method} ${p}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.json;
  };
  return suite;
}

// A screenshot of a page or a locator into test-results/<file> (options as screenshot).
async function shot(page, file, options = {}) {
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, file), ...options });
}

// A locator's visible text with white space folded.
const text = async (locator) => (await locator.innerText()).replace(/\s+/g, ' ').trim();

// A locator's text, trimmed, once it is visible.
async function shownText(locator) {
  await locator.waitFor({ state: 'visible' });
  return (await locator.textContent()).trim();
}

// "YYYY-MM-DDTHH:mm" in Beijing time, as a datetime-local input takes it.
const beijingInput = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 16);

module.exports = { RESULTS, browserSuite, officeSuite, shot, text, shownText, beijingInput };
