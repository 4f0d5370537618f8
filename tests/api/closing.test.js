// API tests of closing an incident (issue 9 items 4 and 7): the 综合评价 form per
// incident (dimensions from the plan, measured facts, validation, completion, events,
// permission) and the enforced close: evaluating → reported needs an issued 终报 and a
// completed evaluation; reported → archived needs C1–C4 done and no open step or
// meeting decision; a closing step needs a note and the evaluating phase. Every refusal
// answers with `missing` in words.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { setupIncidents, register, registerActive, tasksOf, expectStatus, assertError, ms, sleep, MINUTE } =
  require('../lib/fixtures.js');

let ctx, po;
test.before(async () => {
  ctx = await setupIncidents();
  po = ctx.as.petition_office;
});
test.after(async () => { if (ctx) await ctx.stop(); });

const DIMENSIONS = [['speed', '反应速度'], ['measures', '处置措施'], ['stability', '稳控效果'],
  ['resolution', '化解结果'], ['coordination', '协同配合']];

async function transition(client, id, to) {
  return expectStatus(await client.post(`/incidents/${id}/transition`, { to }), 200, `transition to ${to}`);
}
async function act(client, taskId, body) {
  return expectStatus(await client.patch(`/tasks/${taskId}`, body), 200, `PATCH /tasks/${taskId} ${JSON.stringify(body)}`);
}
async function evaluation(client, id) {
  return expectStatus(await client.get(`/incidents/${id}/evaluation`), 200, 'GET evaluation');
}
function allScores(score = 4) {
  return Object.fromEntries(DIMENSIONS.map(([id, title]) => [id, { score, comment: `${title}：良好` }]));
}
// The transition is refused with 409 and exactly these missing codes (in order).
async function refused(client, id, to, codes) {
  const r = await client.post(`/incidents/${id}/transition`, { to });
  assertError(r, 409, 'conflict', 'to');
  assert.ok(Array.isArray(r.json.error.missing), `error.missing is a list: ${r.text}`);
  assert.deepEqual(r.json.error.missing.map((m) => m.code), codes, `missing for ${to}: ${r.text}`);
  for (const m of r.json.error.missing) assert.ok(m.text.length > 0, 'each missing item has words');
  return r.json.error;
}
// 终报: a draft made from the incident, then issued (issue 9 item 5's endpoints).
async function issueFinalReport(client, id) {
  const draft = expectStatus(await client.post(`/incidents/${id}/reports`, { kind: 'final' }), 201, 'POST final report');
  expectStatus(await client.post(`/reports/${draft.id}/issue`, {}), 200, 'issue the final report');
}
async function closingSteps(client, id, notes = true) {
  const tasks = await tasksOf(client, id);
  for (const step of ['C1', 'C2', 'C3', 'C4']) {
    const t = tasks.find((x) => x.step_id === step);
    await act(client, t.id, { action: 'complete', note: `${step} 已完成：${t.title}` });
  }
}

test('the evaluation form comes from the plan and its facts are measured now', async () => {
  const occurred = Date.now() - 40 * MINUTE;
  const inc = await register(po, { headcount: 30, destination: 'group', advance_info: false,
    occurred_at: new Date(occurred).toISOString() });
  expectStatus(await po.post(`/incidents/${inc.id}/activate`, {}), 200, 'activate');
  assert.equal(inc.procedure, 'B');

  // Nothing measured yet but the activation.
  let ev = await evaluation(ctx.as.dispatch, inc.id);
  assert.deepEqual(ev.dimensions.map((d) => [d.id, d.title]), DIMENSIONS);
  assert.ok(ev.dimensions.every((d) => d.title_en && d.text), 'titles in English and the plan\'s words');
  assert.deepEqual(ev.scale, { min: 1, max: 5 });
  assert.deepEqual(ev.scores, {});
  assert.equal(ev.lessons, '');
  assert.equal(ev.completed, false);
  assert.equal(ev.completed_at, null);
  assert.equal(ev.saved_facts, null);
  assert.deepEqual(ev.unscored.map((u) => u.title), DIMENSIONS.map((d) => d[1]));
  assert.equal(ms(ev.facts.occurred_at), Math.floor(occurred / 1000) * 1000 + (occurred % 1000));
  assert.ok(ev.facts.minutes_to_activation >= 39 && ev.facts.minutes_to_activation <= 41,
    `about 40 minutes to activation: ${ev.facts.minutes_to_activation}`);
  assert.equal(ev.facts.first_arrival_at, null);
  assert.equal(ev.facts.minutes_to_arrival, null);
  assert.equal(ev.facts.minutes_to_reply, null);
  assert.equal(ev.facts.late_task_count, 0);
  assert.equal(ev.facts.petitioners, 0);

  // Guards arrive, the reply is given, a task is done late, petitioners and a matter.
  const d = expectStatus(await po.post(`/incidents/${inc.id}/dispatches`, { resource: 'guards', quantity: 4 }), 201, 'dispatch');
  expectStatus(await ctx.as.dispatch.patch(`/dispatches/${d.id}`, { arrived: true }), 200, 'arrived');
  await transition(po, inc.id, 'on_site');
  await transition(po, inc.id, 'replying');
  const late = expectStatus(await po.post(`/incidents/${inc.id}/tasks`, { title: '补充登记材料', due_minutes: 0 }), 201, 'task due now');
  await sleep(30);
  await act(po, late.id, { action: 'complete', note: '已补充' });
  const mk = async (name, role) => expectStatus(await po.post('/persons',
    { name, unit_id: ctx.units.team, incident_id: inc.id, role }), 201, `person ${name}`);
  const p1 = await mk('赵一', 'representative');
  const p2 = await mk('钱二', 'participant');
  expectStatus(await po.post(`/incidents/${inc.id}/assignments`,
    { pairs: [{ person_id: p1.id, official_id: ctx.as.official.user.id }] }), 201, '包保');
  const m = expectStatus(await po.post(`/persons/${p1.id}/matters`,
    { category: 'appeal', content: '要求补发拖欠工资', incident_id: inc.id }), 201, 'matter');
  expectStatus(await po.patch(`/matters/${m.id}`,
    { accepted: true, outcome: 'supported', satisfaction: 'satisfied', concluded: true }), 200, 'matter concluded');
  expectStatus(await po.post(`/persons/${p2.id}/matters`,
    { category: 'suggestion', content: '建议公开补发标准', incident_id: inc.id }), 201, 'matter 2');

  ev = await evaluation(po, inc.id);
  const f = ev.facts;
  assert.ok(ms(f.first_arrival_at) >= ms(f.activated_at));
  assert.ok(f.minutes_to_arrival >= 39 && f.minutes_to_arrival <= 41, `arrival: ${f.minutes_to_arrival}`);
  assert.ok(ms(f.reply_at) >= ms(f.first_arrival_at));
  assert.ok(f.minutes_to_reply >= 39 && f.minutes_to_reply <= 41, `reply: ${f.minutes_to_reply}`);
  assert.equal(f.late_task_count, 1);
  assert.deepEqual(f.late_tasks.map((t) => [t.id, t.title, t.late_minutes]), [[late.id, '补充登记材料', 0]]);
  assert.ok(ms(f.late_tasks[0].done_at) > ms(f.late_tasks[0].due_at));
  assert.equal(f.petitioners, 2);
  assert.equal(f.petitioners_without_official, 1);
  assert.deepEqual(f.petitioners_without_official_ids, [p2.id]);
  assert.equal(f.matters, 2);
  assert.equal(f.matters_resolved, 1);
  assert.deepEqual(f.satisfaction, { satisfied: 1, basically_satisfied: 0, unsatisfied: 0, unrated: 1 });

  // Who may write it: as for editing the incident.
  for (const role of ['dispatch', 'official', 'unit_head', 'auditor']) {
    assertError(await ctx.as[role].request('PUT', `/incidents/${inc.id}/evaluation`, { lessons: 'x' }), 403, 'forbidden');
  }
  assertError(await po.get('/incidents/999999/evaluation'), 404, 'not_found');
});

test('saving checks each field against the plan; completing needs every dimension, in 总结评价', async () => {
  const inc = await registerActive(po, { headcount: 12, destination: 'mine', advance_info: true });
  const put = (body, client = po) => client.request('PUT', `/incidents/${inc.id}/evaluation`, body);

  assertError(await put({ scores: { morale: { score: 3 } } }), 400, 'invalid_field', 'scores.morale');
  assertError(await put({ scores: { speed: { score: 6 } } }), 400, 'invalid_field', 'scores.speed.score');
  assertError(await put({ scores: { speed: { score: 0 } } }), 400, 'invalid_field', 'scores.speed.score');
  assertError(await put({ scores: { speed: { score: 2.5 } } }), 400, 'invalid_field', 'scores.speed.score');
  assertError(await put({ scores: { speed: { comment: 5 } } }), 400, 'invalid_field', 'scores.speed.comment');
  assertError(await put({ scores: { speed: { weight: 1 } } }), 400, 'invalid_field', 'scores.speed.weight');
  assertError(await put({ scores: { speed: 4 } }), 400, 'invalid_field', 'scores.speed');
  assertError(await put({ scores: [] }), 400, 'invalid_field', 'scores');
  assertError(await put({ score: {} }), 400, 'invalid_field', 'score');
  assertError(await put({ lessons: 3 }), 400, 'invalid_field', 'lessons');
  // In Chinese, the message names the dimension field and the scale.
  const zh = await po.request('PUT', `/incidents/${inc.id}/evaluation`, { scores: { speed: { score: 9 } } },
    { 'Accept-Language': 'zh-CN' });
  assert.match(zh.json.error.message, /1 到 5/);

  // A draft: some scores and the lessons; another save adds to it.
  let ev = expectStatus(await put({ scores: { speed: { score: 4, comment: '接报后12分钟启动' } },
    lessons: '提前掌握信息，未形成聚集' }), 200, 'save a draft');
  assert.deepEqual(ev.scores, { speed: { score: 4, comment: '接报后12分钟启动' } });
  assert.equal(ev.completed, false);
  assert.equal(ev.updated_by, po.user.id);
  assert.ok(ev.saved_facts && ev.saved_facts.occurred_at, 'the facts as saved are kept');
  ev = expectStatus(await put({ scores: { measures: { score: 5 } } }), 200, 'save more');
  assert.deepEqual(Object.keys(ev.scores).sort(), ['measures', 'speed']);
  assert.equal(ev.lessons, '提前掌握信息，未形成聚集', 'lessons stay when not given');
  assert.deepEqual(ev.unscored.map((u) => u.dimension), ['stability', 'resolution', 'coordination']);

  // Completing waits for 总结评价.
  assertError(await put({ complete: true, scores: allScores() }), 409, 'conflict', 'complete');
  await transition(po, inc.id, 'resolving');
  await transition(po, inc.id, 'evaluating');
  let r = await put({ complete: true });
  assertError(r, 422, 'incomplete', 'scores');
  assert.deepEqual(r.json.error.missing.map((x) => x.title), ['稳控效果', '化解结果', '协同配合']);
  r = await po.request('PUT', `/incidents/${inc.id}/evaluation`, { complete: true }, { 'Accept-Language': 'zh' });
  assert.match(r.json.error.message, /稳控效果、化解结果、协同配合/);
  ev = await evaluation(po, inc.id);
  assert.equal(ev.completed, false, 'a refused completion stores nothing');
  assert.equal(ev.scores.stability, undefined);

  ev = expectStatus(await put({ complete: true, scores: allScores(3) }), 200, 'complete');
  assert.equal(ev.completed, true);
  assert.ok(ms(ev.completed_at) > 0);
  assert.equal(ev.completed_by, po.user.id);
  assert.deepEqual(ev.unscored, []);
  // Still editable while evaluating, but a dimension cannot be left unscored again.
  ev = expectStatus(await put({ scores: { speed: { score: 5 } } }), 200, 'edit a completed one');
  assert.equal(ev.scores.speed.score, 5);
  assert.equal(ev.scores.speed.comment, '反应速度：良好', 'a given score keeps its comment');
  assert.equal(ev.completed, true);
  r = await put({ scores: { speed: { score: null } } });
  assertError(r, 422, 'incomplete', 'scores');
  assert.deepEqual(r.json.error.missing.map((x) => x.dimension), ['speed']);

  // Events: each save, and the completion once.
  const entries = expectStatus(await po.get(`/incidents/${inc.id}/timeline`), 200, 'timeline').entries;
  const actions = entries.map((e) => e.action).filter((a) => a.startsWith('evaluation.'));
  assert.deepEqual(actions.sort(), ['evaluation.complete', 'evaluation.save', 'evaluation.save', 'evaluation.save'].sort());
});

test('a closing step is completed with a note, from 总结评价 on, and never skipped', async () => {
  const inc = await registerActive(po, { headcount: 9, destination: 'mine', advance_info: true });
  const c1 = (await tasksOf(po, inc.id)).find((t) => t.step_id === 'C1');
  let r = await po.patch(`/tasks/${c1.id}`, { action: 'complete', note: '已整理谈话记录' });
  assertError(r, 409, 'conflict', 'action');
  assert.match(r.json.error.message, /C1/);
  await transition(po, inc.id, 'resolving');
  assertError(await po.patch(`/tasks/${c1.id}`, { action: 'complete', note: '已整理' }), 409, 'conflict', 'action');
  await transition(po, inc.id, 'evaluating');
  assertError(await po.patch(`/tasks/${c1.id}`, { action: 'complete' }), 422, 'invalid_field', 'note');
  assertError(await po.patch(`/tasks/${c1.id}`, { action: 'complete', note: '   ' }), 422, 'invalid_field', 'note');
  assertError(await po.patch(`/tasks/${c1.id}`, { action: 'skip', reason: '无需' }), 409, 'conflict', 'action');
  const done = await act(po, c1.id, { action: 'complete', note: '谈话记录3份、照片12张已整理归档' });
  assert.equal(done.status, 'done');
  assert.equal(done.note, '谈话记录3份、照片12张已整理归档');
  // Other tasks still complete without a note.
  const a1 = (await tasksOf(po, inc.id)).find((t) => t.step_id === 'A1');
  assert.equal((await act(po, a1.id, { action: 'complete' })).status, 'done');
});

test('evaluating → reported needs an issued final report and a completed evaluation', async () => {
  const inc = await registerActive(po, { headcount: 20, destination: 'mine', advance_info: true });
  await transition(po, inc.id, 'resolving');
  await transition(po, inc.id, 'evaluating');
  let err = await refused(po, inc.id, 'reported', ['final_report', 'evaluation']);
  assert.deepEqual(err.missing.map((m) => m.text), ['终报尚未签发', '综合评价尚未完成']);
  const zh = await po.request('POST', `/incidents/${inc.id}/transition`, { to: 'reported' }, { 'Accept-Language': 'zh' });
  assert.match(zh.json.error.message, /终报尚未签发；综合评价尚未完成/);
  expectStatus(await po.request('PUT', `/incidents/${inc.id}/evaluation`, { scores: allScores() }), 200, 'draft');
  await refused(po, inc.id, 'reported', ['final_report', 'evaluation']);
  expectStatus(await po.request('PUT', `/incidents/${inc.id}/evaluation`, { complete: true }), 200, 'complete');
  err = await refused(po, inc.id, 'reported', ['final_report']);
  const got = expectStatus(await po.get(`/incidents/${inc.id}`), 200, 'GET incident');
  assert.equal(got.status, 'evaluating', 'a refused transition changes nothing');
});

test('the whole close: final report issued, evaluation completed, C1–C4 done, no open work', async () => {
  const inc = await registerActive(po, { headcount: 23, destination: 'group', advance_info: false });
  assert.equal(inc.procedure, 'B');
  const meeting = expectStatus(await po.post(`/incidents/${inc.id}/meetings`, {
    kind: 'leadership', starts_at: new Date().toISOString(), place: '矿三楼小会议室',
    attendees: [po.user.id], minutes: '研究答复口径',
    decisions: [{ text: '人事科三日内书面答复退休待遇问题', owner_role: 'petition_office', due_minutes: 4320 }],
  }), 201, 'meeting with a decision');
  const decisionTask = meeting.decisions[0].task_id;
  for (const to of ['on_site', 'replying', 'resolving', 'evaluating']) await transition(po, inc.id, to);
  expectStatus(await po.request('PUT', `/incidents/${inc.id}/evaluation`,
    { scores: allScores(4), lessons: '答复及时', complete: true }), 200, 'evaluation completed');
  await issueFinalReport(po, inc.id);
  let cur = await transition(po, inc.id, 'reported');
  assert.deepEqual(cur.allowed, ['archived']);
  // After reporting, the evaluation is fixed.
  assertError(await po.request('PUT', `/incidents/${inc.id}/evaluation`, { lessons: '改' }), 409, 'conflict');

  // Archiving: C1–C4, the open steps of procedure B and the meeting's decision.
  let err = await refused(po, inc.id, 'archived',
    (await openWork(inc.id)).map((t) => (t.kind === 'closing' ? 'closing_step' : 'open_task')));
  const texts = err.missing.map((m) => m.text);
  assert.ok(texts.includes('C2 对应急行动过程进行综合评价 未完成'), texts.join(' | '));
  assert.ok(texts.includes('任务「人事科三日内书面答复退休待遇问题」未完成'), texts.join(' | '));
  assert.ok(texts.some((t) => /^任务 B\d+ .+ 未完成$/.test(t)), texts.join(' | '));
  assert.ok(!texts.some((t) => t.startsWith('C5')), 'archiving itself is C5');
  assert.deepEqual(err.missing.filter((m) => m.code === 'closing_step').map((m) => m.step_id), ['C1', 'C2', 'C3', 'C4']);

  await closingSteps(po, inc.id);
  err = await refused(po, inc.id, 'archived', (await openWork(inc.id)).map(() => 'open_task'));
  assert.ok(err.missing.some((m) => m.task_id === decisionTask));
  // Each open step is done or skipped with a reason; the decision is carried out.
  for (const t of await openWork(inc.id)) {
    if (t.id === decisionTask) await act(po, t.id, { action: 'complete', note: '已书面答复' });
    else await act(po, t.id, { action: 'skip', reason: '事件已化解，无需再办' });
  }
  // Report-up and manual tasks do not hold archiving.
  cur = await transition(po, inc.id, 'archived');
  assert.equal(cur.status, 'archived');
  const c5 = (await tasksOf(po, inc.id)).find((t) => t.step_id === 'C5');
  assert.equal(c5.status, 'skipped', 'archiving ends C5 (归档保存) with the archive');
});

// The open tasks that hold archiving, in checklist order: steps, recurring reports,
// decisions, and closing steps not done but C5.
async function openWork(id) {
  const tasks = await tasksOf(po, id);
  return tasks.filter((t) => (['step', 'recurring', 'decision'].includes(t.kind) &&
    (t.status === 'pending' || t.status === 'in_progress')) ||
    (t.kind === 'closing' && t.step_id !== 'C5' && t.status !== 'done'));
}
