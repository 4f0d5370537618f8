// shell.js — the signed-in frame: header (product, search box, user, roles, language,
// sign out), the navigation between areas, and the hash router that fills the main
// column (#/search?q= shows the search results).
// Areas that are not built yet say so; they show no invented data. Pages that keep
// something running (timers, the live stream) hand back a function that stops it;
// the router calls it when the page is left, the shell is redrawn or the user signs out.

import { t, joinList } from './i18n.js';
import { h, replace } from './dom.js';
import { renderSettings } from './settings.js';
import { renderDashboard } from './dashboard.js';
import { renderIncidentList } from './incidents.js';
import { renderIncident } from './incident.js';
import { renderRegister } from './register.js';
import { closeStream } from './stream.js';
import { renderPersonList, renderPersonNew } from './persons.js';
import { renderPerson } from './person.js';
import { renderAssignments } from './assignments.js';
import { renderSearch, searchBox } from './search.js';
import { renderIncidentRecords } from './records.js';
import { renderArchiveList } from './archive.js';
import { renderGroup } from './group.js';
import { renderStatistics } from './statistics.js';
import { renderAssessment } from './assessment.js';
import { renderScreening } from './screening.js';
import { renderMatterList, renderMatterNew, renderMatter } from './matters.js';
import { bell, endBell, renderNotifications } from './notifications.js';

const AREAS = ['dashboard', 'incidents', 'persons', 'matters', 'assignments', 'records', 'screening', 'statistics', 'assessment', 'settings'];

function notBuilt(area) {
  return h('section', { class: 'panel', id: 'area-' + area, 'data-testid': 'not-built' },
    h('h1', null, t('nav.' + area)),
    h('p', { class: 'notice' }, t('notbuilt')),
    h('p', { class: 'muted' }, t('about.' + area)));
}

// The stop function of the page on screen; module-wide, so that a redrawn shell
// (language switch) also stops the page of the shell it replaces.
let stopPage = null;
let routeSeq = 0; // the latest route; an older one that finishes late stops its page

function leavePage() {
  const stop = stopPage;
  stopPage = null;
  if (stop) stop();
}

// "#/incidents/7?wall=1" -> {parts: ['incidents', '7'], query: URLSearchParams}
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  return { parts: path.split('/').filter(Boolean), query: new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '') };
}

export function mountShell(root, ctx) {
  leavePage();
  const user = ctx.state.user;
  const links = new Map();
  // The company role (the group's 信访办) also has the group dashboard of every mine.
  const areas = ctx.hasRole('company') ? ['group', ...AREAS] : AREAS;
  const nav = h('nav', { id: 'nav', class: 'nav', 'aria-label': t('shell.nav') },
    h('ul', null, areas.map((area) => {
      const a = h('a', { href: '#/' + area, 'data-testid': 'nav-' + area, dataset: { area } }, t('nav.' + area));
      links.set(area, a);
      return h('li', null, a);
    })));
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const roles = joinList((user.roles || []).map((r) => ctx.roleName(r)));

  root.append(
    h('header', { class: 'topbar', id: 'topbar' },
      h('a', { class: 'brand', href: '#/dashboard' },
        h('img', { src: '/favicon.svg', alt: '', width: 24, height: 24 }),
        h('span', { id: 'product-name' }, t('app.title'))),
      searchBox(),
      h('div', { class: 'who' },
        h('span', { class: 'sr-only' }, t('shell.user')),
        h('span', { id: 'user-name', class: 'user-name' }, user.name || user.username),
        roles ? h('span', { id: 'user-roles', class: 'user-roles' }, roles) : null),
      bell(ctx),
      ctx.langSwitch(),
      h('button', {
        type: 'button', id: 'logout', class: 'btn on-dark',
        onclick: () => { leavePage(); endBell(); closeStream(); ctx.logout(); },
      }, t('shell.logout'))),
    h('div', { class: 'layout' }, nav, main));

  // Shows the area the hash names; returns once its first data is drawn.
  async function route() {
    const seq = ++routeSeq;
    leavePage();
    const { parts, query } = parseHash();
    if (parts.length === 0) {
      history.replaceState(null, '', '#/dashboard');
      parts.push('dashboard');
    }
    const area = parts[0];
    for (const [name, a] of links) {
      if (name === area) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    let stop = null;
    if (area === 'settings') {
      const section = h('section', { class: 'panel', id: 'area-settings' });
      replace(main, section);
      await renderSettings(section, ctx, parts[1]);
    } else if (area === 'dashboard') {
      const section = h('section', { class: 'panel wide', id: 'area-dashboard' });
      replace(main, section);
      stop = await renderDashboard(section, ctx, query);
    } else if (area === 'incidents' && parts[1] === 'new') {
      const section = h('section', { class: 'panel', id: 'area-register' });
      replace(main, section);
      stop = await renderRegister(section, ctx);
    } else if (area === 'incidents' && /^\d+$/.test(parts[1] || '')) {
      const section = h('section', { class: 'panel wide', id: 'area-incident' });
      replace(main, section);
      stop = await renderIncident(section, ctx, parts[1]);
    } else if (area === 'incidents' && parts.length === 1) {
      const section = h('section', { class: 'panel wide', id: 'area-incidents' });
      replace(main, section);
      stop = await renderIncidentList(section, ctx, query);
    } else if (area === 'persons' && parts[1] === 'new') {
      const section = h('section', { class: 'panel', id: 'area-person-new' });
      replace(main, section);
      stop = await renderPersonNew(section, ctx);
    } else if (area === 'persons' && /^\d+$/.test(parts[1] || '')) {
      const section = h('section', { class: 'panel wide', id: 'area-person' });
      replace(main, section);
      stop = await renderPerson(section, ctx, parts[1], query);
    } else if (area === 'persons' && parts.length === 1) {
      const section = h('section', { class: 'panel wide', id: 'area-persons' });
      replace(main, section);
      stop = await renderPersonList(section, ctx, query);
    } else if (area === 'matters' && parts[1] === 'new') {
      const section = h('section', { class: 'panel', id: 'area-matter-new' });
      replace(main, section);
      stop = await renderMatterNew(section, ctx);
    } else if (area === 'matters' && /^\d+$/.test(parts[1] || '')) {
      const section = h('section', { class: 'panel wide', id: 'area-matter' });
      replace(main, section);
      stop = await renderMatter(section, ctx, parts[1]);
    } else if (area === 'matters' && parts.length === 1) {
      const section = h('section', { class: 'panel wide', id: 'area-matters' });
      replace(main, section);
      stop = await renderMatterList(section, ctx, query);
    } else if (area === 'assignments' && parts.length === 1) {
      const section = h('section', { class: 'panel wide', id: 'area-assignments' });
      replace(main, section);
      stop = await renderAssignments(section, ctx, query);
    } else if (area === 'records' && /^\d+$/.test(parts[1] || '')) {
      const section = h('section', { class: 'panel wide', id: 'area-incident-records' });
      replace(main, section);
      stop = await renderIncidentRecords(section, ctx, parts[1], query);
    } else if (area === 'records' && parts.length === 1) {
      const section = h('section', { class: 'panel wide', id: 'area-records' });
      replace(main, section);
      stop = await renderArchiveList(section, ctx);
    } else if (area === 'group' && parts.length === 1) {
      const section = h('section', { class: 'panel wide', id: 'area-group' });
      replace(main, section);
      stop = await renderGroup(section, ctx);
    } else if (area === 'statistics' && parts.length === 1) {
      const section = h('section', { class: 'panel wide', id: 'area-statistics' });
      replace(main, section);
      stop = await renderStatistics(section, ctx, query);
    } else if (area === 'screening') {
      const section = h('section', { class: 'panel wide', id: 'area-screening' });
      replace(main, section);
      stop = await renderScreening(section, ctx, parts, query);
    } else if (area === 'assessment' && parts.length === 1) {
      const section = h('section', { class: 'panel wide', id: 'area-assessment' });
      replace(main, section);
      stop = await renderAssessment(section, ctx, query);
    } else if (area === 'notifications' && parts.length <= 2 && /^\d*$/.test(parts[1] || '')) {
      const section = h('section', { class: 'panel', id: 'area-notifications' });
      replace(main, section);
      stop = await renderNotifications(section, ctx, parts[1]);
    } else if (area === 'search' && parts.length === 1) {
      const section = h('section', { class: 'panel wide', id: 'area-search' });
      replace(main, section);
      stop = await renderSearch(section, ctx, query);
    } else if (AREAS.includes(area) && !['incidents', 'persons', 'matters', 'assignments', 'records'].includes(area)) {
      replace(main, notBuilt(area));
    } else {
      replace(main, h('section', { class: 'panel' }, h('p', { class: 'notice' }, t('notfound'))));
    }
    // Another route began while this page loaded: it replaced this page already.
    if (seq !== routeSeq) { if (stop) stop(); return; }
    stopPage = stop;
  }

  return { route };
}
