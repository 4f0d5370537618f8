// channels.js — the 通知渠道 tab of 设置 (administrators; issue 12, the delivery half):
// the list of notification channels (企业微信 and 钉钉 group robots, a signed webhook,
// email over SMTP, an SMS gateway) from GET /channels, a form by kind to add or change
// one (secrets are never shown again: an empty secret field keeps the stored one), and
// for each channel enable/disable, a test message (POST /channels/{id}/test) and the
// delivery log (GET /channels/{id}/deliveries, newest first, paged). Chinese first.

import { getLang } from './i18n.js';
import { get, post, patch, del } from './api.js';
import { h, add, clear, field, select, showError, clearErrors, showOk, busy, formatTime, errorText } from './dom.js';

const L = (zh, en) => (getLang() === 'zh' ? zh : en);

const KINDS = ['wecom', 'dingtalk', 'webhook', 'smtp', 'sms'];
const kindName = (k) => ({
  wecom: L('企业微信群机器人', 'WeCom group robot'),
  dingtalk: L('钉钉群机器人', 'DingTalk group robot'),
  webhook: L('通用 Webhook', 'Generic webhook'),
  smtp: L('电子邮件（SMTP）', 'Email (SMTP)'),
  sms: L('短信网关', 'SMS gateway'),
}[k] || k);
const EVENTS = ['incident.register', 'incident.upgrade', 'task.assign', 'task.overdue', 'task.escalate',
  'report_up.due', 'matter.due'];
const eventName = (e) => ({
  'incident.register': L('事件登记', 'Incident registered'),
  'incident.upgrade': L('事件升级', 'Incident upgraded'),
  'task.assign': L('任务指派', 'Task assigned'),
  'task.overdue': L('任务超时', 'Task overdue'),
  'task.escalate': L('超时逐级提醒', 'Escalation'),
  'report_up.due': L('上报时限将到', 'Report-up limit near'),
  'matter.due': L('办理期限将到', 'Legal deadline near'),
}[e] || e);
const GRADES = ['I', 'II', 'III', 'IV'];
const statusName = (s) => ({
  queued: L('已排队', 'Queued'), sent: L('已送达', 'Sent'), failed: L('失败', 'Failed'),
  gave_up: L('已放弃', 'Gave up'),
}[s] || s);

// The fields of each kind besides name, url, events, grades: [api name, label, type].
const KIND_FIELDS = {
  wecom: [['format', L('消息格式', 'Format'), ['text', 'markdown']], ['mentions', L('个人消息 @ 手机号', '@mention mobiles'), 'bool']],
  dingtalk: [['secret', L('加签密钥（可选）', 'Signing secret (optional)'), 'secret'], ['mentions', L('个人消息 @ 手机号', '@mention mobiles'), 'bool']],
  webhook: [['secret', L('签名密钥（HMAC-SHA256）', 'Signing secret (HMAC-SHA256)'), 'secret']],
  smtp: [['from', L('发件人', 'From'), 'text'], ['to', L('收件人（逗号分隔，可选）', 'To (comma-separated, optional)'), 'list'],
    ['username', L('登录用户名', 'Username'), 'text'], ['password', L('登录密码', 'Password'), 'secret'],
    ['tls', L('STARTTLS 加密', 'STARTTLS'), ['required', 'try', 'none']]],
  sms: [['method', L('请求方式', 'Method'), ['POST', 'PUT', 'GET']],
    ['body', L('请求体模板（{phone}、{text}、{token}）', 'Body template ({phone}, {text}, {token})'), 'text'],
    ['content_type', L('内容类型', 'Content type'), 'text'], ['token', L('网关令牌', 'Gateway token'), 'secret'],
    ['phones', L('群发手机号（逗号分隔，可选）', 'Phones for group messages (optional)'), 'list']],
};

export async function renderChannels(sec, ctx) {
  const listBox = h('div', { id: 'channel-list' });
  const formBox = h('div', { id: 'channel-form-box' });
  const logBox = h('div', { id: 'channel-log' });
  add(sec,
    h('h2', null, L('通知渠道', 'Notification channels')),
    h('p', { class: 'muted' }, L('消息经这些渠道发往手机：群机器人、邮件、短信。密钥保存后不再显示。',
      'Messages reach phones through these channels. Secrets are never shown again once saved.')),
    h('div', { class: 'buttons' }, h('button', {
      type: 'button', class: 'btn primary', id: 'channel-add', onclick: () => openForm(null),
    }, L('添加渠道', 'Add a channel'))),
    formBox, listBox, logBox);

  let channels = [];
  async function reload() {
    channels = (await get('/channels')).channels || [];
    drawList();
  }

  function drawList() {
    clear(listBox);
    if (!channels.length) {
      listBox.append(h('p', { class: 'muted', id: 'channel-empty' }, L('尚未配置通知渠道。', 'No channel yet.')));
      return;
    }
    listBox.append(h('table', { class: 'grid', id: 'channel-table' },
      h('thead', null, h('tr', null, [L('名称', 'Name'), L('类型', 'Kind'), L('地址', 'Address'),
        L('事件', 'Events'), L('等级', 'Grades'), L('状态', 'State'), ''].map((x) => h('th', null, x)))),
      h('tbody', null, channels.map((c) => h('tr', { 'data-testid': 'channel-' + c.id },
        h('td', null, c.name),
        h('td', null, kindName(c.kind)),
        h('td', { class: 'small' }, c.url),
        h('td', null, (c.events || []).map(eventName).join(L('、', ', ')) || L('（无）', '(none)')),
        h('td', null, (c.grades || []).length ? c.grades.join('、') : L('全部', 'All')),
        h('td', null, c.enabled ? L('启用', 'Enabled') : L('停用', 'Disabled')),
        h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'btn small', 'data-testid': 'channel-edit-' + c.id, onclick: () => openForm(c) }, L('编辑', 'Edit')),
          h('button', { type: 'button', class: 'btn small', 'data-testid': 'channel-toggle-' + c.id,
            onclick: () => act(() => patch(`/channels/${c.id}`, { enabled: !c.enabled })) }, c.enabled ? L('停用', 'Disable') : L('启用', 'Enable')),
          h('button', { type: 'button', class: 'btn small', 'data-testid': 'channel-test-' + c.id, onclick: () => sendTest(c) }, L('发送测试', 'Test')),
          h('button', { type: 'button', class: 'btn small', 'data-testid': 'channel-log-' + c.id, onclick: () => openLog(c) }, L('发送记录', 'Deliveries')),
          h('button', { type: 'button', class: 'btn small danger', 'data-testid': 'channel-delete-' + c.id, onclick: () => {
            if (window.confirm(L(`删除渠道「${c.name}」？`, `Delete the channel "${c.name}"?`))) act(() => del(`/channels/${c.id}`));
          } }, L('删除', 'Delete'))))))));
  }

  async function act(fn) {
    try { await fn(); await reload(); } catch (err) {
      if (!err.handled) listBox.prepend(h('p', { class: 'form-error', role: 'alert' }, errorText(err)));
    }
  }

  async function sendTest(c) {
    let to = '';
    if (c.kind === 'smtp' || c.kind === 'sms' || c.mentions) {
      to = window.prompt(L('发往（邮箱或手机号；留空则用渠道自己的收件人）', 'Send to (email or phone; empty: the channel\'s own)'), '') || '';
    }
    try {
      const r = await post(`/channels/${c.id}/test`, to ? { to } : {});
      listBox.prepend(h('p', { class: 'form-ok', role: 'status', id: 'channel-test-ok' },
        L(`测试消息已排队（${r.message_id}），请查看发送记录。`, `Test message queued (${r.message_id}); see the deliveries.`)));
      setTimeout(() => openLog(c), 1500);
    } catch (err) {
      if (!err.handled) listBox.prepend(h('p', { class: 'form-error', role: 'alert' }, errorText(err)));
    }
  }

  async function openLog(c, before) {
    if (!before) clear(logBox);
    const r = await get(`/channels/${c.id}/deliveries?limit=50${before ? '&before=' + before : ''}`);
    if (!before) {
      logBox.append(h('h3', null, L(`发送记录：${c.name}`, `Deliveries: ${c.name}`)));
      logBox.append(h('table', { class: 'grid', id: 'delivery-table' },
        h('thead', null, h('tr', null, [L('时间', 'Time'), L('状态', 'Status'), L('第几次', 'Attempt'),
          L('消息', 'Message'), L('收件', 'To'), L('回执', 'Answer')].map((x) => h('th', null, x)))),
        h('tbody')));
    }
    const body = logBox.querySelector('tbody');
    for (const d of r.deliveries) {
      body.append(h('tr', { class: 'delivery-' + d.status },
        h('td', null, formatTime(d.at)), h('td', null, statusName(d.status)), h('td', null, String(d.attempt)),
        h('td', null, `${d.message_id} ${d.text}`), h('td', null, d.to || ''),
        h('td', { class: 'small' }, d.http_status ? `${d.http_status} ${d.answer}` : d.answer)));
    }
    const more = logBox.querySelector('#delivery-more');
    if (more) more.remove();
    if (r.next_before) {
      logBox.append(h('button', { type: 'button', class: 'btn small', id: 'delivery-more',
        onclick: () => openLog(c, r.next_before) }, L('更早的记录', 'Older')));
    }
  }

  function openForm(c) {
    clear(formBox);
    const editing = !!c;
    const kind = select({ id: 'channel-kind', name: 'kind', disabled: editing },
      KINDS.map((k) => ({ value: k, label: kindName(k) })), c ? c.kind : 'wecom');
    const name = h('input', { id: 'channel-name', name: 'name', type: 'text', value: c ? c.name : '', required: true });
    const url = h('input', { id: 'channel-url', name: 'url', type: 'text', value: '',
      placeholder: c ? L(`不变：${c.url}`, `unchanged: ${c.url}`) : 'https://' });
    const events = h('fieldset', { class: 'checks', 'data-field': 'events' }, h('legend', null, L('接收的事件', 'Events')),
      EVENTS.map((e) => h('label', null, h('input', { type: 'checkbox', value: e, checked: !!(c && c.events.includes(e)) }), eventName(e))));
    const grades = h('fieldset', { class: 'checks', 'data-field': 'grades' }, h('legend', null, L('事件等级（不选为全部）', 'Grades (none: all)')),
      GRADES.map((g) => h('label', null, h('input', { type: 'checkbox', value: g, checked: !!(c && c.grades.includes(g)) }), g + L('级', ''))));
    const rate = h('input', { id: 'channel-rate', name: 'rate_per_min', type: 'number', min: 0,
      value: c ? String(c.rate_per_min || 0) : '' });
    const extra = h('div', { id: 'channel-extra' });
    const inputs = {};
    function drawExtra() {
      clear(extra);
      for (const [f, label, type] of KIND_FIELDS[kind.value] || []) {
        let el;
        const cur = c ? c[f] : undefined;
        if (Array.isArray(type)) el = select({ id: 'channel-' + f, name: f }, type.map((v) => ({ value: v, label: v })), cur || type[0]);
        else if (type === 'bool') el = h('input', { id: 'channel-' + f, name: f, type: 'checkbox', checked: !!cur });
        else if (type === 'secret') {
          el = h('input', { id: 'channel-' + f, name: f, type: 'password', autocomplete: 'new-password',
            placeholder: cur ? L(`已保存 ${cur}，留空不变`, `saved ${cur}; empty keeps it`) : '' });
        } else el = h('input', { id: 'channel-' + f, name: f, type: 'text', value: type === 'list' ? (cur || []).join(',') : (cur || '') });
        inputs[f] = [el, type];
        extra.append(field(label, el));
      }
    }
    kind.addEventListener('change', drawExtra);
    drawExtra();
    const form = h('form', { class: 'inline-form', id: 'channel-form', novalidate: true },
      h('h3', null, editing ? L(`编辑渠道：${c.name}`, `Edit: ${c.name}`) : L('添加渠道', 'Add a channel')),
      h('div', { class: 'form-error', role: 'alert', hidden: true }),
      h('div', { class: 'row' }, field(L('类型', 'Kind'), kind), field(L('名称', 'Name'), name)),
      field(L('地址（URL）', 'URL'), url, L('企业微信/钉钉机器人的 Webhook 地址；邮件为 smtp://主机:端口', 'The robot\'s webhook URL; smtp://host:port for email')),
      events, grades, extra,
      field(L('每分钟最多条数（0 为不限）', 'Per minute at most (0: no limit)'), rate),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'btn primary', id: 'channel-submit' }, L('保存', 'Save')),
        h('button', { type: 'button', class: 'btn', onclick: () => clear(formBox) }, L('取消', 'Cancel'))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const body = { name: name.value.trim(),
        events: [...events.querySelectorAll('input:checked')].map((x) => x.value),
        grades: [...grades.querySelectorAll('input:checked')].map((x) => x.value) };
      if (!editing) body.kind = kind.value;
      if (url.value.trim() || !editing) body.url = url.value.trim();
      if (rate.value !== '') body.rate_per_min = Number(rate.value);
      for (const [f, [el, type]] of Object.entries(inputs)) {
        if (!(f in (KIND_FIELDS[kind.value] || []).reduce((o, x) => ({ ...o, [x[0]]: 1 }), {}))) continue;
        if (type === 'bool') body[f] = el.checked;
        else if (type === 'secret') { if (el.value) body[f] = el.value; }
        else if (type === 'list') { if (el.value.trim() || editing) body[f] = el.value.split(/[,，\s]+/).filter(Boolean); }
        else if (el.value.trim() || editing) body[f] = el.value.trim();
      }
      const done = busy(form, L('正在保存…', 'Saving…'));
      try {
        if (editing) await patch(`/channels/${c.id}`, body);
        else await post('/channels', body);
        showOk(form, L('已保存', 'Saved'));
        clear(formBox);
        await reload();
      } catch (err) {
        if (!err.handled) showError(form, err);
      } finally { done(); }
    });
    formBox.append(form);
  }

  await reload();
}
