// shell.js — the signed-in frame: header (product, user, roles, language, sign out),
// the navigation between areas, and the hash router that fills the main column.
// Areas that are not built yet say so; they show no invented data.

import { t, joinList } from './i18n.js';
import { h, replace } from './dom.js';
import { renderSettings } from './settings.js';

const AREAS = ['dashboard', 'incidents', 'persons', 'assignments', 'records', 'screening', 'statistics', 'settings'];

function notBuilt(area) {
  return h('section', { class: 'panel', id: 'area-' + area, 'data-testid': 'not-built' },
    h('h1', null, t('nav.' + area)),
    h('p', { class: 'notice' }, t('notbuilt')),
    h('p', { class: 'muted' }, t('about.' + area)));
}

export function mountShell(root, ctx) {
  const user = ctx.state.user;
  const links = new Map();
  const nav = h('nav', { id: 'nav', class: 'nav', 'aria-label': t('shell.nav') },
    h('ul', null, AREAS.map((area) => {
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
      h('div', { class: 'who' },
        h('span', { class: 'sr-only' }, t('shell.user')),
        h('span', { id: 'user-name', class: 'user-name' }, user.name || user.username),
        roles ? h('span', { id: 'user-roles', class: 'user-roles' }, roles) : null),
      ctx.langSwitch(),
      h('button', { type: 'button', id: 'logout', class: 'btn on-dark', onclick: () => ctx.logout() }, t('shell.logout'))),
    h('div', { class: 'layout' }, nav, main));

  // Shows the area the hash names; returns once its first data is drawn.
  async function route() {
    const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
    if (parts.length === 0) {
      history.replaceState(null, '', '#/dashboard');
      parts.push('dashboard');
    }
    const area = parts[0];
    for (const [name, a] of links) {
      if (name === area) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    if (area === 'settings') {
      const section = h('section', { class: 'panel', id: 'area-settings' });
      replace(main, section);
      await renderSettings(section, ctx, parts[1]);
    } else if (AREAS.includes(area)) {
      replace(main, notBuilt(area));
    } else {
      replace(main, h('section', { class: 'panel' }, h('p', { class: 'notice' }, t('notfound'))));
    }
  }

  return { route };
}
