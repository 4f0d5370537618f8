// i18n.js — the UI's string table (Chinese first, English second) and the language
// choice. Every visible string goes through t(); the choice is kept in localStorage
// and mirrored in <html lang> and the document title.

const STORAGE_KEY = 'xf.lang';

const strings = {
  'app.title': ['信访应急指挥平台', 'Petition Emergency Command Platform'],
  'app.loading': ['正在加载…', 'Loading…'],
  'app.fatal': ['无法加载平台：{msg}', 'Cannot load the platform: {msg}'],
  'app.retry': ['重试', 'Retry'],
  'lang.label': ['语言', 'Language'],

  'login.title': ['信访应急指挥平台', 'Petition Emergency Command Platform'],
  'login.subtitle': ['请登录', 'Please sign in'],
  'login.username': ['用户名', 'Username'],
  'login.password': ['密码', 'Password'],
  'login.submit': ['登录', 'Sign in'],
  'login.busy': ['正在登录…', 'Signing in…'],
  'login.expired': ['登录已失效，请重新登录。', 'Your session has ended. Please sign in again.'],
  'login.missing': ['请输入用户名和密码', 'Enter your username and password'],

  'pw.title': ['修改密码', 'Change password'],
  'pw.intro': ['首次登录或密码被重置后，须先修改密码才能继续使用。',
    'You must change your one-time password before you can continue.'],
  'pw.who': ['当前用户：', 'Signed in as '],
  'pw.old': ['旧密码', 'Current password'],
  'pw.new': ['新密码', 'New password'],
  'pw.confirm': ['确认新密码', 'Confirm new password'],
  'pw.hint': ['至少 10 个字符，不能与旧密码或用户名相同。',
    'At least 10 characters; not the old password and not the username.'],
  'pw.submit': ['修改密码', 'Change password'],
  'pw.busy': ['正在修改…', 'Changing…'],
  'pw.mismatch': ['两次输入的新密码不一致', 'The two new passwords do not match'],
  'pw.done': ['密码已修改。', 'Password changed.'],

  'shell.user': ['当前用户', 'Signed in as'],
  'shell.logout': ['退出登录', 'Sign out'],
  'shell.nav': ['主导航', 'Main navigation'],

  'nav.dashboard': ['指挥大屏', 'Dashboard'],
  'nav.incidents': ['信访事件', 'Incidents'],
  'nav.persons': ['人员档案', 'Persons'],
  'nav.assignments': ['包保', 'Assignments'],
  'nav.records': ['记录与报告', 'Records & reports'],
  'nav.screening': ['排查', 'Screening'],
  'nav.statistics': ['统计', 'Statistics'],
  'nav.settings': ['设置', 'Settings'],

  'notbuilt': ['此功能尚未建成。', 'Not built yet.'],
  'about.dashboard': ['建成后将在此显示进行中的信访事件、待办步骤和到期提醒。',
    'When built, this page will show open incidents, pending steps and deadlines.'],
  'about.incidents': ['建成后将在此登记信访事件、判定是否启动预案并按程序处置。',
    'When built, incidents will be registered here, checked against the plan and handled step by step.'],
  'about.persons': ['建成后将在此管理信访人及其诉求档案。',
    'When built, petitioner files and their matters will be kept here.'],
  'about.assignments': ['建成后将在此安排包保责任人并记录跟进情况。',
    'When built, responsible officials will be assigned and their follow-up recorded here.'],
  'about.records': ['建成后将在此保存询问笔录、影像资料并生成上报材料。',
    'When built, interview notes, media and the reports sent up will be kept here.'],
  'about.screening': ['建成后将在此组织矛盾纠纷排查并登记风险。',
    'When built, screening campaigns and the grievance risk register will live here.'],
  'about.statistics': ['建成后将在此提供信访工作统计与考核。',
    'When built, statistics and assessments will be shown here.'],
  'notfound': ['没有这个页面。', 'There is no such page.'],

  'settings.title': ['设置', 'Settings'],
  'settings.account': ['我的账户', 'My account'],
  'settings.units': ['单位', 'Units'],
  'settings.users': ['用户', 'Users'],
  'settings.audit': ['审计日志', 'Audit log'],
  'settings.readonly': ['只读：仅管理员可以修改。', 'Read only: only administrators can change this.'],
  'settings.forbidden': ['您的角色无权查看此页面。', 'Your roles do not allow you to see this page.'],

  'account.info': ['账户信息', 'Account'],
  'account.changePw': ['修改我的密码', 'Change my password'],

  'common.save': ['保存', 'Save'],
  'common.cancel': ['取消', 'Cancel'],
  'common.edit': ['修改', 'Edit'],
  'common.busy': ['正在保存…', 'Saving…'],
  'common.saved': ['已保存。', 'Saved.'],
  'common.optional': ['（选填）', '(optional)'],
  'common.actions': ['操作', 'Actions'],
  'common.loading': ['正在加载…', 'Loading…'],
  'common.none': ['—', '—'],

  'unit.tree': ['单位列表', 'Unit tree'],
  'unit.add': ['添加单位', 'Add unit'],
  'unit.name': ['名称', 'Name'],
  'unit.parent': ['上级单位', 'Parent unit'],
  'unit.kind': ['类别', 'Kind'],
  'unit.head': ['第一责任人', 'Head (first responsible person)'],
  'unit.noParent': ['（无上级，顶层单位）', '(none — top level)'],
  'unit.headOption': ['{name}（{u}）', '{name} ({u})'],
  'unit.headIs': ['第一责任人：{name}', 'Head: {name}'],
  'unit.noHead': ['（未指定）', '(not set)'],
  'unit.empty': ['尚无单位。', 'No units yet.'],
  'unit.added': ['已添加单位：{name}', 'Unit added: {name}'],
  'unit.count': ['共 {n} 个单位', '{n} units'],
  'kind.mine': ['矿', 'Mine'],
  'kind.department': ['科室', 'Department'],
  'kind.team': ['区队', 'Team'],
  'kind.other': ['其他', 'Other'],

  'user.list': ['用户列表', 'Users'],
  'user.add': ['新建用户', 'Create user'],
  'user.username': ['用户名', 'Username'],
  'user.usernameHint': ['2–32 个字符：小写字母、数字、. _ -，以字母开头',
    '2–32 characters: a–z, 0–9, . _ -, starting with a letter'],
  'user.name': ['姓名', 'Name'],
  'user.unit': ['单位', 'Unit'],
  'user.roles': ['角色', 'Roles'],
  'user.phone': ['电话', 'Phone'],
  'user.status': ['状态', 'Status'],
  'user.active': ['正常', 'Active'],
  'user.disabled': ['已停用', 'Disabled'],
  'user.mustChange': ['待改密', 'Must change password'],
  'user.edit': ['编辑', 'Edit'],
  'user.disable': ['停用', 'Disable'],
  'user.enable': ['启用', 'Enable'],
  'user.reset': ['重置密码', 'Reset password'],
  'user.self': ['（本人）', '(you)'],
  'user.confirmDisable': ['确定停用用户 {u}？其登录会话将立即结束。',
    'Disable user {u}? Their sessions end at once.'],
  'user.confirmReset': ['确定重置用户 {u} 的密码？其登录会话将立即结束。',
    'Reset the password of {u}? Their sessions end at once.'],
  'user.created': ['已创建用户 {u}。', 'User {u} created.'],
  'user.count': ['共 {n} 个用户', '{n} users'],
  'user.noUnit': ['（请选择）', '(choose)'],
  'user.editTitle': ['编辑用户 {u}', 'Edit user {u}'],

  'otp.title': ['一次性密码', 'One-time password'],
  'otp.text': ['请将下面的一次性密码当面交给用户 {u}。它只显示这一次；用户首次登录时必须修改。',
    'Hand this one-time password to {u} in person. It is shown only this once; the user must change it at first sign-in.'],
  'otp.dismiss': ['我已记下', 'Done'],

  'audit.seq': ['序号', 'Seq'],
  'audit.time': ['时间（北京时间）', 'Time (Beijing)'],
  'audit.actor': ['操作人', 'Actor'],
  'audit.action': ['操作', 'Action'],
  'audit.object': ['对象', 'Object'],
  'audit.hash': ['哈希', 'Hash'],
  'audit.more': ['加载更多', 'Load more'],
  'audit.end': ['已全部加载，共 {n} 条。', 'All {n} events loaded.'],
  'audit.shown': ['已加载 {n} 条。', '{n} events loaded.'],
  'audit.verify': ['校验', 'Verify'],
  'audit.verifying': ['正在校验…', 'Verifying…'],
  'audit.ok': ['审计链完整：共 {n} 条，链头 {h}', 'Audit chain intact: {n} events, head {h}'],
  'audit.bad': ['审计链损坏：第 {n} 条，{p}', 'Audit chain damaged at event {n}: {p}'],
  'audit.empty': ['暂无审计记录。', 'No audit events yet.'],

  'err.bad_credentials': ['用户名或密码错误', 'Wrong username or password'],
  'err.throttled': ['尝试次数过多，请 {s} 秒后再试', 'Too many attempts; try again in {s} seconds'],
  'err.throttledNoWait': ['尝试次数过多，请稍后再试', 'Too many attempts; try again later'],
  'err.unauthenticated': ['登录已失效，请重新登录', 'Your session has ended; please sign in again'],
  'err.csrf': ['安全令牌无效，请刷新页面后重试', 'Security token rejected; reload the page and try again'],
  'err.forbidden': ['您的角色无权执行此操作', 'Your roles do not allow this'],
  'err.password_change_required': ['请先修改密码', 'Change your password first'],
  'err.not_found': ['对象不存在', 'Not found'],
  'err.method_not_allowed': ['不支持此操作', 'Operation not supported'],
  'err.conflict': ['与已有数据冲突', 'Conflicts with stored data'],
  'err.invalid_field': ['输入有误', 'Invalid input'],
  'err.malformed_json': ['请求格式错误', 'Malformed request'],
  'err.bad_request': ['请求格式错误', 'Malformed request'],
  'err.body_too_large': ['提交的内容过大', 'The submitted data is too large'],
  'err.unavailable': ['服务器暂时无法保存数据（未丢失任何数据），请稍后再试',
    'The server cannot write right now (nothing was lost); try again later'],
  'err.network': ['无法连接服务器，请检查网络后重试', 'Cannot reach the server; check the network and try again'],
  'err.unknown': ['出错了（HTTP {status}）', 'Something went wrong (HTTP {status})'],

  'role.petition_office': ['信访办', 'Petition office'],
  'role.leader': ['领导小组', 'Leadership group'],
  'role.unit_head': ['单位负责人', 'Unit head'],
  'role.dispatch': ['保卫科/矿长办公室', 'Security / director\'s office'],
  'role.official': ['包保责任人', 'Responsible official'],
  'role.company': ['公司信访办', 'Company petition office'],
  'role.auditor': ['审计', 'Auditor'],
  'role.admin': ['管理员', 'Administrator'],
};

const LANGS = ['zh', 'en'];
let lang = readStoredLang();

function readStoredLang() {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    if (LANGS.includes(v)) return v;
  } catch (_) { /* storage blocked: fall back to Chinese */ }
  return 'zh';
}

export function getLang() { return lang; }

export function setLang(next) {
  if (!LANGS.includes(next)) return;
  lang = next;
  try { window.localStorage.setItem(STORAGE_KEY, next); } catch (_) { /* not kept */ }
  applyLang();
}

// Mirrors the language into the document so screen readers and fonts follow it.
export function applyLang() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app.title');
}

// Looks a key up and fills {name} placeholders; an unknown key shows itself so a
// missing string is visible instead of silently blank.
export function t(key, params) {
  const entry = strings[key];
  let s = entry ? entry[lang === 'zh' ? 0 : 1] : key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return s;
}

export function has(key) { return Object.prototype.hasOwnProperty.call(strings, key); }

// Joins a short list the way each language does: 信访办、审计 / Petition office, Auditor.
export function joinList(items) { return items.join(lang === 'zh' ? '、' : ', '); }
