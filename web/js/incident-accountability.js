// incident-accountability.js — the 责任追究 section of the incident page (issue 14 item 7,
// "linked from the incident"): the findings linked to this incident, through the incident,
// its tasks or its matters (GET /incidents/{id}/accountability), each with its decision
// (the plan's name for it), the unit and/or person named, the basis, who decided and when,
// and how many statements (本人说明) the person concerned added; each links to the 考核
// area of the month where the finding counts, which lists the findings (the area has no
// route of its own for one finding). Findings are confidential: only the roles the server
// lets see them all are asked (so that nobody else's page logs a refused request), and a
// 403 anyway hides the section without an error box.

import { t, getLang } from './i18n.js';
import { get } from './api.js';
import { h, replace, errorText } from './dom.js';

// The roles that see every finding (src/api/assessment.c SEE_ALL); anyone else gets 403.
const SEE_ALL = ['petition_office', 'leader', 'auditor', 'company', 'admin'];

export function createAccountability(ctx, incidentId) {
  const roles = (ctx.state.user && ctx.state.user.roles) || [];
  let allowed = roles.some((r) => SEE_ALL.includes(r));
  let findings = null; // null until loaded
  let decisions = [];
  let failure = null;

  const body = h('div', { id: 'inc-acc-body' });
  const el = h('section', { class: 'inc-accountability', id: 'inc-accountability', 'data-testid': 'inc-accountability',
    'aria-labelledby': 'inc-acc-title', hidden: true },
  h('h2', { id: 'inc-acc-title' }, t('ia.title')), body);

  const decisionName = (id) => {
    const d = decisions.find((x) => x.id === id);
    if (!d) return id;
    return (getLang() !== 'zh' && d.name_en) || d.name;
  };

  function item(f) {
    const who = [f.unit_name, f.user_name].filter(Boolean).join(' · ');
    const month = /^\d{4}-\d{2}/.test(f.decided_at || '') ? f.decided_at.slice(0, 7) : '';
    const href = '#/assessment' + (month ? `?period=${month}` : '');
    const n = (f.statements || []).length;
    return h('li', { class: 'as-finding', 'data-testid': 'inc-finding', dataset: { id: f.id } },
      h('div', null,
        h('a', { href, class: 'inc-acc-decision', 'data-testid': 'inc-finding-decision', title: t('ia.open') },
          decisionName(f.decision)),
        ' — ', h('strong', { 'data-testid': 'inc-finding-who' }, who)),
      h('div', { class: 'small muted' },
        t('ia.basis', { basis: t('as.basis.' + f.basis) }), ' · ',
        t('ia.decided', { by: f.decided_by, at: f.decided_at }),
        f.user_id ? [' · ', h('span', { 'data-testid': 'inc-finding-statements' },
          n ? t('ia.statements', { n }) : t('ia.noStatements'))] : null));
  }

  function draw() {
    el.hidden = !allowed || (findings === null && !failure);
    if (el.hidden) return;
    if (failure) { replace(body, h('p', { class: 'form-error', role: 'alert' }, failure)); return; }
    replace(body, findings.length
      ? h('ul', { class: 'as-finding-list', 'data-testid': 'inc-finding-list' }, findings.map(item))
      : h('p', { class: 'muted', 'data-testid': 'inc-acc-none' }, t('ia.none')));
  }

  // Loads the findings; a 403 hides the section for good (the roles do not change while
  // the page is open), another failure is shown in the section and tried again next time.
  async function load() {
    if (!allowed) return;
    try {
      const r = await get(`/incidents/${encodeURIComponent(incidentId)}/accountability`);
      findings = (r && r.findings) || [];
      failure = null;
    } catch (err) {
      if (err.handled) throw err;
      if (err.status === 403) allowed = false;
      else failure = errorText(err);
    }
    draw();
  }

  // The plan's document names the decisions (assessment.decisions).
  function setPlan(doc) {
    decisions = (doc && doc.assessment && Array.isArray(doc.assessment.decisions)) ? doc.assessment.decisions : [];
    draw();
  }

  return { el, load, setPlan };
}
