// common.js — what every page shares: calling the JSON API with the session
// cookie and CSRF token, the signed-in user and the nav, building DOM safely
// (text is never parsed as HTML), and the slip widgets (tables, badges,
// timeline, action buttons).
//
// The action buttons of a slip come from the slip's allowed_actions, as the
// API computes them for the caller; this file only knows how to perform an
// action (its endpoint and form), never whether it may happen.
'use strict';

const D = (() => {
  const CSRF_KEY = 'duban.csrf';

  /** ApiError carries the API's {"error":{"code","message"}} answer. */
  class ApiError extends Error {
    constructor(status, code, message, field) {
      super(message);
      this.status = status;
      this.code = code;
      this.field = field || '';
    }
  }

  function newKey() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  function toLogin() {
    const next = location.pathname + location.search;
    location.assign('/login' + (next && next !== '/' ? '?next=' + encodeURIComponent(next) : ''));
  }

  /**
   * api calls /api/v1 + path and answers the decoded JSON (null for 204).
   * Writes carry the CSRF token and, when given, an Idempotency-Key.
   * A 401 sends the browser to the login page.
   */
  async function api(method, path, body, opts = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') headers['X-CSRF-Token'] = localStorage.getItem(CSRF_KEY) || '';
    if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
    let res;
    try {
      res = await fetch('/api/v1' + path, {
        method, headers, credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
    }
    if (res.status === 204) return null;
    let data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) {
      const err = (data && data.error) || {};
      const e = new ApiError(res.status, err.code || 'http_' + res.status,
        err.message || '请求失败（HTTP ' + res.status + '）', err.field);
      if (res.status === 401 && !opts.noRedirect) toLogin();
      if (e.code === 'csrf_token_invalid') e.message += '（会话已更新，请重新登录）';
      throw e;
    }
    return data;
  }

  /**
   * upload posts a file as the body to /api/v1 + path (an imported table:
   * a meeting's, a project list) and answers the decoded JSON.
   */
  async function upload(path, file) {
    const res = await fetch('/api/v1' + path, {
      method: 'POST', credentials: 'same-origin', body: file,
      headers: { Accept: 'application/json', 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': localStorage.getItem(CSRF_KEY) || '' },
    });
    let data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) {
      const err = (data && data.error) || {};
      throw new ApiError(res.status, err.code || 'http_' + res.status, err.message || '上传失败（HTTP ' + res.status + '）');
    }
    return data;
  }

  /** el builds an element; children are nodes or strings (as text). */
  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') n.className = v;
      else if (k === 'text') n.textContent = v;
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(n.dataset, v);
      else n.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      n.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return n;
  }

  function $(sel, root) { return (root || document).querySelector(sel); }

  let flashTimer = 0;
  /** flash shows a message at the top of the page. */
  function flash(message, kind = 'ok') {
    const f = $('#flash');
    if (!f) return;
    f.textContent = message;
    f.className = 'flash ' + kind;
    f.hidden = false;
    clearTimeout(flashTimer);
    if (kind === 'ok') flashTimer = setTimeout(() => { f.hidden = true; }, 5000);
  }

  function errorText(e) {
    if (e instanceof ApiError) return e.message;
    return '出错了：' + (e && e.message ? e.message : e);
  }

  // ---- formatting -------------------------------------------------------

  const dateFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
  const timeFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

  function fmtDate(iso) { return iso ? dateFmt.format(new Date(iso)).replaceAll('/', '-') : ''; }
  function fmtTime(iso) { return iso ? timeFmt.format(new Date(iso)).replaceAll('/', '-') : ''; }
  /** pct shows a rate in percent with one decimal; null is "—". */
  function pct(v) { return v === null || v === undefined ? '—' : Number(v).toFixed(1) + '%'; }
  /** today is the date in Beijing, YYYY-MM-DD. */
  function today() { return fmtDate(new Date().toISOString()); }

  // ---- identity and departments ----------------------------------------

  let mePromise = null;
  function me() {
    if (!mePromise) mePromise = api('GET', '/me');
    return mePromise;
  }

  let deptPromise = null;
  const deptNames = {};
  function departments() {
    if (!deptPromise) {
      deptPromise = api('GET', '/departments').then((r) => {
        for (const d of r.items) deptNames[d.code] = d.name;
        return r.items;
      });
    }
    return deptPromise;
  }
  function deptName(code) { return deptNames[code] || code; }

  const roleLabels = { office: '督查室', department: '责任单位', leader: '领导', admin: '管理员', inspector: '督查员', citizen: '市民监督员' };
  const homes = { office: '/office', department: '/department', leader: '/dashboard', admin: '/', inspector: '/inspect', citizen: '/inspect' };

  /**
   * start loads the signed-in user and the departments, fills the top bar,
   * and checks that the user's role may use this page (roles). It answers
   * the user, or null when the page cannot be used.
   */
  async function start(roles) {
    let user;
    try {
      [user] = await Promise.all([me(), departments()]);
    } catch (e) {
      if (e.status !== 401) flash(errorText(e), 'error');
      return null;
    }
    const name = $('#who-name');
    if (name) name.textContent = user.name + (user.department ? '（' + deptName(user.department) + '）' : '');
    const role = $('#who-role');
    if (role) role.textContent = roleLabels[user.role] || user.role;
    for (const a of document.querySelectorAll('#nav a[data-roles]')) {
      a.hidden = !a.dataset.roles.split(' ').includes(user.role);
    }
    document.body.dataset.role = user.role;
    if (roles && !roles.includes(user.role)) {
      $('#main').replaceChildren(el('section', { class: 'card empty-state' },
        el('h1', { text: '无权使用此页面' }),
        el('p', {}, (roleLabels[user.role] || user.role) + '不能使用此页面。', el('a', { href: homes[user.role] || '/' , text: '返回我的工作台' }))));
      return null;
    }
    return user;
  }

  async function logout() {
    try { await api('POST', '/logout', undefined, { noRedirect: true }); } catch (e) { /* gone anyway */ }
    localStorage.removeItem(CSRF_KEY);
    location.assign('/login');
  }

  // ---- slip widgets -----------------------------------------------------

  function colourBadge(s) {
    if (!s.color) return el('span', { class: 'badge muted', text: '—' });
    return el('span', { class: 'badge colour-' + s.color, title: s.color_label, text: s.color_label || s.color });
  }

  function statusBadge(s) {
    return el('span', { class: 'badge status status-' + s.status, text: s.status_label || s.status });
  }

  function slipLink(s) {
    return el('a', { href: '/slips/' + encodeURIComponent(s.id), class: 'slip-link' }, s.title);
  }

  function deptList(codes) { return (codes || []).map(deptName).join('、'); }

  function deadlineText(s) {
    let t = s.deadline || '';
    if (s.original_deadline && s.original_deadline !== s.deadline) t += '（原 ' + s.original_deadline + '）';
    return t;
  }

  // How to perform each action: endpoint, fixed body and form fields. Which
  // action is offered comes from slip.allowed_actions, nowhere else.
  // A structured report's 存在问题 and 具体措施: one measure a line, as
  // 措施内容｜责任单位（以、分隔）｜解决时限 YYYY-MM-DD.
  const REPORT_FIELDS = [
    { name: 'problems', label: '存在问题（可不填）', type: 'textarea' },
    { name: 'measures', label: '具体措施（每行一项：措施内容｜责任单位，多个以、分隔｜解决时限 YYYY-MM-DD）', type: 'textarea', measures: true }];
  const ACTIONS = {
    acknowledge: { label: '签收', path: 'acknowledge', primary: true, fields: [] },
    co_acknowledge: { label: '协办签收', path: 'co-acknowledge', primary: true, fields: [] },
    progress: { label: '报送进展', path: 'progress', fields: [
      { name: 'text', label: '实现情况（进展）', type: 'textarea', required: true }, ...REPORT_FIELDS] },
    resolve: { label: '申请办结', path: 'resolution', primary: true, fields: [
      { name: 'summary', label: '办结情况', type: 'textarea', required: true },
      { name: 'evidence', label: '佐证材料（每行一项，如文件名、链接或说明）', type: 'textarea', list: true, required: true }, ...REPORT_FIELDS] },
    complete_part: { label: '协办完成', path: 'completion', primary: true, fields: [
      { name: 'summary', label: '协办完成情况', type: 'textarea', required: true }, ...REPORT_FIELDS] },
    refuse: { label: '退回', path: 'refusal', danger: true, fields: [
      { name: 'reason', label: '退回理由（如职责不符、需要调整牵头单位）', type: 'textarea', required: true }] },
    // The office's actions on one unit's part (see trackTable).
    press: { label: '催办', path: 'press', fields: [{ name: 'comment', label: '催办要求（可不填）' }] },
    waive: { label: '豁免', path: 'waiver', danger: true, fields: [{ name: 'reason', label: '豁免理由', type: 'textarea', required: true }] },
    reassign: { label: '改派', path: 'reassignment', primary: true, fields: [
      { name: 'new_department', label: '改派给', type: 'dept', required: true },
      { name: 'deadline', label: '新的时限（可不填，默认不变）', type: 'date' },
      { name: 'comment', label: '说明（可不填）' }] },
    decline_refusal: { label: '驳回退回', path: 'refusal/decline', fields: [
      { name: 'comment', label: '驳回理由', type: 'textarea', required: true }] },
    pass_review: { label: '复核通过', path: 'review', primary: true, fixed: { passed: true }, fields: [
      { name: 'comment', label: '复核意见（可不填）' }] },
    send_back: { label: '退回重办', path: 'review', danger: true, fixed: { passed: false }, fields: [
      { name: 'comment', label: '退回理由', type: 'textarea', required: true },
      { name: 'deadline', label: '同时给予新的办结时限（可不填）', type: 'date' }] },
    sign_off: { label: '销号', path: 'signoff', primary: true, fields: [
      { name: 'grade', label: '办理结果评价', type: 'select', required: true, placeholder: '请选择评价', options: [['satisfied', '满意'], ['basic', '基本满意'], ['unsatisfied', '不满意']] },
      { name: 'comment', label: '销号意见（评价为“不满意”时须说明理由）', value: '同意销号' }] },
    cancel: { label: '撤销', path: 'cancel', danger: true, fields: [
      { name: 'reason', label: '撤销理由', type: 'textarea', required: true }] },
    request_extension: { label: '申请延期', path: 'extension', fields: [
      { name: 'reason', label: '延期理由', type: 'textarea', required: true },
      { name: 'deadline', label: '申请延期至', type: 'date', required: true }] },
    decide_extension: { label: '审批延期', path: 'extension/decision', fields: [
      { name: 'approved', label: '审批意见', type: 'select', options: [['true', '批准延期'], ['false', '不批准']], bool: true },
      { name: 'deadline', label: '批准延期至（默认为申请的日期；不批准时留空）', type: 'date', from: (s) => s.pending_extension && s.pending_extension.proposed_deadline },
      { name: 'comment', label: '说明（可不填）' }] },
    instruct: { label: '领导批示', path: 'instruction', fields: [
      { name: 'text', label: '批示内容', type: 'textarea', required: true }] },
  };

  function fieldInput(f, s) {
    const value = (f.from && f.from(s)) || f.value || '';
    if (f.type === 'textarea') return el('textarea', { name: f.name, rows: 3, required: f.required, maxlength: 20000 }, value);
    if (f.type === 'select') {
      // A select with a placeholder starts on it, so a grade is a choice made,
      // not a default accepted.
      const options = f.options.map(([v, l]) => el('option', { value: v, text: l }));
      if (f.placeholder) options.unshift(el('option', { value: '', text: f.placeholder, selected: true, disabled: true }));
      return el('select', { name: f.name, required: f.required }, options);
    }
    if (f.type === 'dept') {
      return el('select', { name: f.name, required: f.required }, el('option', { value: '', text: '请选择单位' }),
        Object.keys(deptNames).map((code) => el('option', { value: code, text: deptNames[code] })));
    }
    return el('input', { name: f.name, type: f.type || 'text', required: f.required, value, maxlength: f.type ? undefined : 200 });
  }

  function bodyOf(spec, form) {
    const body = Object.assign({}, spec.fixed || {});
    for (const f of spec.fields) {
      const raw = form.elements[f.name].value;
      if (f.list) body[f.name] = raw.split('\n').map((x) => x.trim()).filter(Boolean);
      else if (f.measures) {
        const lines = raw.split('\n').map((x) => x.trim()).filter(Boolean);
        if (lines.length) {
          body[f.name] = lines.map((line) => {
            const [content, units, due] = line.split(/[|｜]/).map((x) => (x || '').trim());
            return { content, units: (units || '').split(/[、,，]/).map((u) => u.trim()).filter(Boolean), due: due || '' };
          });
        }
      }
      else if (f.bool) body[f.name] = raw === 'true';
      else if (raw.trim() !== '') body[f.name] = raw.trim();
    }
    if (spec.path === 'extension/decision' && body.approved === false) delete body.deadline;
    return body;
  }

  /**
   * actionBar renders one button per allowed action of slip s. A button
   * with fields opens a small form; submitting it calls the API once (with an
   * Idempotency-Key, so a double click applies it once) and then onDone with
   * the updated slip.
   */
  function actionBar(s, onDone, track) {
    const bar = el('div', { class: 'action-bar', dataset: { slipId: s.id } });
    const buttons = el('div', { class: 'action-buttons' });
    const formHost = el('div', { class: 'action-form-host' });
    for (const a of (track ? track.allowed_actions : s.allowed_actions) || []) {
      let spec = ACTIONS[a];
      // An action on one unit's part names the unit.
      if (spec && track) spec = Object.assign({}, spec, { fixed: Object.assign({}, spec.fixed || {}, { department: track.department }) });
      if (!spec) continue;
      buttons.append(el('button', {
        type: 'button', class: 'action' + (spec.primary ? ' primary' : '') + (spec.danger ? ' danger' : ''),
        dataset: { action: a }, text: spec.label,
        onclick: () => openForm(s, a, spec, formHost, onDone),
      }));
    }
    if (!buttons.childElementCount) buttons.append(el('span', { class: 'muted', text: '无需操作' }));
    bar.append(buttons, formHost);
    return bar;
  }

  function openForm(s, action, spec, host, onDone) {
    const key = newKey();
    const error = el('div', { class: 'error', role: 'alert', hidden: true });
    const submit = el('button', { type: 'submit', class: 'primary action-submit', text: '确认' + spec.label });
    const form = el('form', { class: 'action-form form', dataset: { action } },
      el('h4', { text: spec.label + ' · ' + s.title }),
      spec.fields.map((f) => el('label', {}, f.label, fieldInput(f, s))),
      error,
      el('div', { class: 'actions-row' }, submit,
        el('button', { type: 'button', class: 'action-cancel', text: '取消', onclick: () => host.replaceChildren() })));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      error.hidden = true;
      try {
        const updated = await api('POST', '/slips/' + encodeURIComponent(s.id) + '/' + spec.path, bodyOf(spec, form), { idempotencyKey: key });
        host.replaceChildren();
        // Refresh first, then say so: once the message shows, the page is current.
        if (onDone) await onDone(updated);
        flash('已' + spec.label + '：' + s.title + '（' + updated.status_label + '）');
      } catch (e) {
        error.textContent = errorText(e);
        error.hidden = false;
        submit.disabled = false;
      }
    });
    host.replaceChildren(form);
    if (!spec.fields.length) form.requestSubmit();
    else form.querySelector('textarea, input, select').focus();
  }

  function measureText(m) {
    return m.content + '（责任单位：' + (m.units || []).map(deptName).join('、') + '；解决时限：' + m.due + '）';
  }

  /**
   * trackTable shows a slip's units side by side: each part's role, status,
   * deadline and 三色, its latest report (实现情况, 存在问题, 具体措施), a
   * pending 退回, and the office's actions on it (from the part's
   * allowed_actions).
   */
  function trackTable(s, onDone) {
    const head = ['承办单位', '角色', '状态', '时限', '三色', '实现情况', '存在问题', '具体措施', '备注', '操作'];
    const body = el('tbody', {});
    for (const t of s.tracks || []) {
      const r = t.report || {};
      const notes = [];
      if (t.refusal) notes.push('退回理由：' + t.refusal.reason);
      if (t.refusals && !t.refusal) notes.push('退回 ' + t.refusals + ' 次');
      if (t.replaced_by) notes.push('已改派' + deptName(t.replaced_by));
      if (t.waiver) notes.push('豁免理由：' + t.waiver);
      if (t.presses) notes.push('人工催办 ' + t.presses + ' 次');
      if (t.escalation_level) notes.push('督办等级 ' + t.escalation_level);
      body.append(el('tr', { class: 'track track-' + t.status, dataset: { slipId: s.id, department: t.department, status: t.status, color: t.color || '' } },
        el('td', { text: deptName(t.department) }),
        el('td', { text: t.role_label }),
        el('td', {}, el('span', { class: 'badge status-' + t.status, text: t.status_label })),
        el('td', { class: 'nowrap', text: t.deadline }),
        el('td', {}, t.color ? el('span', { class: 'badge colour-' + t.color, text: t.color_label }) : '—'),
        el('td', { class: 'report-achieved', text: r.achieved || '—' }),
        el('td', { class: 'report-problems', text: r.problems || '—' }),
        el('td', { class: 'report-measures', text: (r.measures || []).map(measureText).join('\n') || '—' }),
        el('td', { class: 'notes', text: notes.join('；') }),
        el('td', { class: 'actions-cell' }, (t.allowed_actions || []).length ? actionBar(s, onDone, t) : '')));
    }
    return el('table', { class: 'table tracks' }, el('thead', {}, el('tr', {}, head.map((h) => el('th', { text: h })))), body);
  }

  /** slipTable renders slips as a table; opts.actions adds action bars. */
  function slipTable(slips, opts = {}) {
    const head = ['交办单号', '交办事项', '牵头单位', '办结时限', '三色', '状态'];
    if (opts.extra) head.push(opts.extra.title);
    if (opts.actions) head.push('操作');
    const body = el('tbody', {});
    for (const s of slips) {
      const cells = [
        el('td', { class: 'nowrap', text: s.number }),
        el('td', {}, slipLink(s), s.rework_count ? el('span', { class: 'badge rework', text: '重办' + s.rework_count + '次' }) : null,
          s.pending_extension ? el('span', { class: 'badge pending', text: '延期待批' }) : null),
        el('td', { text: deptName(s.lead_department) }),
        el('td', { class: 'nowrap', text: deadlineText(s) }),
        el('td', {}, colourBadge(s)),
        el('td', {}, statusBadge(s)),
      ];
      if (opts.extra) cells.push(el('td', {}, opts.extra.cell(s)));
      if (opts.actions) cells.push(el('td', { class: 'actions-cell' }, actionBar(s, opts.onDone)));
      body.append(el('tr', { dataset: { slipId: s.id, status: s.status } }, cells));
    }
    return el('table', { class: 'table slips' }, el('thead', {}, el('tr', {}, head.map((h) => el('th', { text: h })))), body);
  }

  /**
   * allSlips walks every page of a ledger query (the part after "/slips?")
   * and returns all its slips: a work queue must show every slip it holds,
   * not the first page's.
   */
  async function allSlips(query) {
    const out = [];
    let cursor = '';
    do {
      const page = await api('GET', '/slips?' + query + '&page_size=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      out.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }

  /**
   * pageTotal is how many slips a ledger page says its query holds, "10000+"
   * past the ledger's count (total_capped).
   */
  function pageTotal(page) { return page.total + (page.total_capped ? '+' : ''); }

  /**
   * partialNote says under a queue that lists only some of its slips which
   * ones (shown, e.g. '最近 200') and how many there are, and links the
   * ledger filtered to all of them (href).
   */
  function partialNote(container, shown, total, href) {
    container.append(el('p', { class: 'muted queue-partial' }, '仅显示' + shown + ' 项，共 ' + total + ' 项，',
      el('a', { href, text: '在台账中查看全部' }), '。'));
  }

  /** fillQueue puts a slip table (or the empty text) into container. */
  function fillQueue(container, slips, opts) {
    if (!slips.length) {
      container.replaceChildren(el('p', { class: 'muted empty', text: container.dataset.empty || '暂无' }));
      return;
    }
    container.replaceChildren(slipTable(slips, opts));
  }

  function payloadText(e) {
    const p = e.payload || {};
    const parts = [];
    if (p.department) parts.push('〔' + deptName(p.department) + '〕');
    if (p.new_department) parts.push('改派给：' + deptName(p.new_department));
    if (p.text) parts.push(p.text);
    if (p.summary) parts.push('办结情况：' + p.summary);
    if (p.evidence) parts.push('佐证材料：' + p.evidence.join('；'));
    if (p.comment) parts.push((e.type === 'send_back' ? '退回理由：' : '意见：') + p.comment);
    if (p.reason) parts.push('理由：' + p.reason);
    if (p.approved !== undefined) parts.push(p.approved ? '批准' : '不批准');
    if (p.deadline) parts.push('时限：' + p.deadline);
    if (p.level) parts.push('等级 ' + p.level);
    if (p.problems) parts.push('存在问题：' + p.problems);
    if (p.measures) parts.push('具体措施：' + p.measures.map(measureText).join('；'));
    return parts.join('　');
  }

  /** timeline renders a slip's events, oldest first. */
  function timeline(events) {
    return el('ol', { class: 'timeline' }, events.map((e) => el('li', { class: 'event event-' + e.type, dataset: { type: e.type } },
      el('span', { class: 'when', text: fmtTime(e.at) }),
      el('b', { class: 'what', text: e.type_label }),
      el('span', { class: 'actor', text: e.actor }),
      e.from_status !== e.to_status && e.to_status ? el('span', { class: 'muted', text: '→ ' + e.to_status_label }) : null,
      el('div', { class: 'detail', text: payloadText(e) }))));
  }

  /** sentBackReason is the latest send-back's comment in a timeline. */
  function sentBackReason(events) {
    for (let i = events.length - 1; i >= 0; i--) {
      if (events[i].type === 'send_back') return (events[i].payload && events[i].payload.comment) || '';
      if (events[i].type === 'resolve') return '';
    }
    return '';
  }

  /** counters renders a row of labelled numbers. */
  function counters(container, items) {
    container.replaceChildren(...items.map(([label, n, cls]) =>
      el('div', { class: 'counter ' + (cls || '') }, el('b', { text: String(n) }), el('span', { text: label }))));
  }

  /** fillDeptSelect fills <select class="dept-select"> and checkbox groups. */
  async function fillDeptControls(root) {
    const depts = await departments();
    for (const sel of (root || document).querySelectorAll('select.dept-select')) {
      const keep = sel.value;
      sel.replaceChildren(el('option', { value: '', text: sel.dataset.all || '请选择' }),
        ...depts.map((d) => el('option', { value: d.code, text: d.name })));
      sel.value = keep;
    }
    for (const box of (root || document).querySelectorAll('.dept-checks')) {
      box.replaceChildren(...depts.map((d) => el('label', { class: 'inline' },
        el('input', { type: 'checkbox', name: box.dataset.name, value: d.code }), ' ' + d.name)));
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const out = $('#logout');
    if (out) out.addEventListener('click', logout);
  });

  return {
    ApiError, api, upload, el, $, flash, errorText, newKey, fmtDate, fmtTime, pct, today, me, departments, deptName, deptList,
    start, logout, homes, CSRF_KEY, colourBadge, statusBadge, slipLink, deadlineText, actionBar, slipTable, fillQueue, partialNote, pageTotal, allSlips,
    timeline, sentBackReason, counters, fillDeptControls, trackTable,
  };
})();
