// Browser test of the 排查 area (issue 14 "Done when"; docs/prevention.md): the petition
// office sends a screening campaign to two units with the plan's checklist; the head of
// 机电科 sends a nil return (零报告, through the API) and the head of 综采一队 reports a finding, turns it
// into a register entry in one click and raises it to high risk with its basis; the
// office sees the warning (预警) on the dashboard's count and in the warnings tab, turns
// it into an incident with advance information (procedure A) carrying the unit, and sees
// that incident's card on the dashboard. Screenshots at 1440x900 go to test-results/.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { makeUnit, makeUser } = require('../lib/fixtures.js');
const { browserSuite, shot, text } = require('../lib/pages.js');

const PO = { username: 'xfb.scr', name: '信访办刘敏', roles: ['petition_office'], password: 'Office-pass-2026a' };
const TEAM = { username: 'zcyd.scr', name: '综采一队队长王强', roles: ['unit_head'], password: 'Team-pass-2026b' };
const DEPT = { username: 'jdk.scr', name: '机电科科长孙涛', roles: ['unit_head'], password: 'Dept-pass-2026c' };

const suite = browserSuite('screening', { timeout: 15000 });
const units = {};
const api = {}; // the API sessions of the office and of 机电科's head
let office;
let team;

before(async () => {
  const world = await suite.start();
  units.team = (await makeUnit(world.admin, '综采一队', world.root.id, 'team')).id;
  units.dept = (await makeUnit(world.admin, '机电科', world.root.id, 'department')).id;
  [api.office, api.dept] = await Promise.all([
    makeUser(world.admin, { ...PO, unit_id: world.root.id }),
    makeUser(world.admin, { ...DEPT, unit_id: units.dept }),
    makeUser(world.admin, { ...TEAM, unit_id: units.team }),
  ]);
  [office, team] = await Promise.all([suite.open('office'), suite.open('team')]);
  await Promise.all([suite.signIn(office, PO), suite.signIn(team, TEAM)]);
});

test('campaign, nil return, finding raised to high, warning to a procedure-A incident on the dashboard',
  { timeout: 90000 }, () => suite.run('', async () => {
    // The office sends the campaign to both units.
    await suite.visit(office, '/#/screening', '#scr-campaign-form');
    await office.fill('#scr-title', '春节前矛盾纠纷排查');
    await office.selectOption('#scr-kind', 'sensitive_date');
    await office.check(`[data-testid="scr-unit-${units.team}"]`);
    await office.check(`[data-testid="scr-unit-${units.dept}"]`);
    await office.click('[data-testid="scr-send"]');
    await office.locator('#scr-campaign').waitFor();
    const id = /#\/screening\/campaigns\/(\d+)/.exec(office.url())[1];
    assert.match(await text(office.locator('.scr-checklist')), /分析员工思想动态/);
    assert.match(await text(office.locator(`[data-testid="scr-report-${units.dept}"]`)), /待报送/);

    // 机电科's head sends a nil return (through the API: the form is the one 综采一队 uses).
    assert.equal((await api.dept.post(`/screening/campaigns/${id}/reports`, { unit_id: units.dept, nil: true })).status, 201);
    await office.reload();
    await office.locator(`[data-testid="scr-report-${units.dept}"]`, { hasText: '零报告' }).waitFor();

    // 综采一队 reports a finding and turns it into a register entry.
    await suite.visit(team, `/#/screening/campaigns/${id}`, '#scr-report-form');
    await team.fill('#scr-finding-text', '12名职工反映11月井下津贴未发放');
    await team.fill('#scr-finding-headcount', '12');
    await team.click('[data-testid="scr-report-findings"]');
    await team.locator(`[data-testid="scr-report-${units.team}"]`, { hasText: '有发现' }).waitFor();
    assert.equal(await team.locator(`[data-testid="scr-report-${units.dept}"]`).count(), 0, 'a unit head sees their own unit only');
    await shot(team, 'screening-campaign-1440.png');
    await team.click('[data-testid="scr-finding-register"]');
    await team.locator('#risk-entry').waitFor();
    assert.equal(await text(team.locator('.page-head [data-testid="risk-level"]')), '中');
    assert.match(await text(team.locator('[data-testid="risk-basis"]')), /涉及人数 12 ≥ 5/);

    // It rises to high, with its basis.
    await team.fill('#risk-progress-text', '职工扬言春节前到集团公司集体上访');
    await team.selectOption('#risk-progress-trend', 'rising');
    await team.selectOption('#risk-progress-level', 'high');
    await team.fill('#risk-progress-basis', '扬言集体越级上访');
    await team.click('[data-testid="risk-progress-save"]');
    await team.locator('.page-head [data-testid="risk-level"]', { hasText: '高' }).waitFor();
    assert.match(await text(team.locator('#risk-progress')), /扬言春节前/);
    await shot(team, 'screening-risk-1440.png');

    // The office sees the warning on the dashboard and turns it into an incident.
    await suite.visit(office, '/#/dashboard', '#dash-warnings');
    await office.locator('#dash-warnings-count', { hasText: '1' }).waitFor();
    await office.click('#dash-warnings');
    const row = office.locator('tr.scr-open', { hasText: '风险升为高' });
    await row.waitFor();
    await shot(office, 'screening-warnings-1440.png');
    await row.locator('select').selectOption('group');
    await row.locator('button', { hasText: '转为事件' }).click();
    await office.waitForURL(/#\/incidents\/\d+$/);
    const incidentId = /#\/incidents\/(\d+)/.exec(office.url())[1];
    const inc = (await api.office.get(`/incidents/${incidentId}`)).json;
    assert.equal(inc.procedure, 'A');
    assert.equal(inc.advance_info, true);
    assert.equal(inc.destination, 'group');
    assert.equal(inc.headcount, 12);

    // The incident, procedure A with advance information, is on the dashboard.
    await suite.visit(office, '/#/dashboard', '[data-testid="incident-card"]');
    const card = office.locator(`[data-testid="incident-card"][data-incident-id="${incidentId}"]`);
    await card.waitFor();
    await shot(office, 'screening-dashboard-1440.png');
    const cardText = await text(card);
    assert.match(cardText, /XF-/);
    await office.locator('#dash-warnings-count', { hasText: '0' }).waitFor();
    assert.deepEqual(suite.problems, []);
  }));
