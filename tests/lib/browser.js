// What every browser test shares: Debian's chromium through playwright-core with the
// flags this machine needs, a watch on each page that collects page errors, console
// errors, failed static files and server errors (4xx API answers are collected apart,
// for the test to check against the ones it causes), signing in through the login page,
// and keeping a screenshot and the page text in test-results/ when a test fails.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { root } = require('./server.js');

function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run'],
  });
}

// Watches a page; problems and apiFailures are arrays the test owns.
function watchPage(page, who, { problems, apiFailures, timeout }) {
  if (timeout) page.setDefaultTimeout(timeout);
  page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium logs every 4xx answer to fetch as "Failed to load resource".
    const url = msg.location().url || '';
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())
      && url.includes('/api/v1/')) {
      apiFailures.push(`${who} ${new URL(url).pathname}`);
      return;
    }
    problems.push(`${who}: console error: ${msg.text()} (${url})`);
  });
  page.on('response', (res) => {
    const url = res.url();
    if (!url.includes('/api/v1/') && res.status() >= 400) problems.push(`${who}: static ${res.status()}: ${url}`);
    if (res.status() >= 500) problems.push(`${who}: server error ${res.status()}: ${url}`);
  });
}

// A page in a new browser context (1440x900, zh-CN unless options say otherwise), watched
// as watchPage does; watch: { problems, apiFailures, timeout }. options.lang sets the UI
// language the page starts in, options.initScript runs in every document before its own
// scripts; the other options go to browser.newContext.
async function openPage(browser, who, watch, { lang, initScript, ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', ...contextOptions });
  if (lang) await context.addInitScript((l) => window.localStorage.setItem('xf.lang', l), lang);
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  watchPage(page, who, watch);
  return page;
}

async function signIn(page, base, username, password) {
  await page.goto(base + '/');
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.locator('#nav').waitFor();
}

// Closes the browser, then stops the server, whichever of them was started.
async function closeAll(browser, server) {
  try {
    if (browser) await browser.close();
  } finally {
    if (server) await server.stop();
  }
}

// pages: { name: page }; files are test-results/<prefix>-<name>.png and .txt.
async function keepEvidence(prefix, pages, problems) {
  try {
    const dir = path.join(root, 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    for (const [who, page] of Object.entries(pages)) {
      if (!page) continue;
      await page.screenshot({ path: path.join(dir, `${prefix}-${who}.png`), fullPage: true });
      fs.writeFileSync(path.join(dir, `${prefix}-${who}.txt`),
        `${page.url()}\n\n${await page.locator('body').innerText()}\n\nproblems:\n${problems.join('\n')}\n`);
    }
  } catch (_) { /* the original failure matters more */ }
}

module.exports = { launchBrowser, watchPage, openPage, signIn, keepEvidence, closeAll };
