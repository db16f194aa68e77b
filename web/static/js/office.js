// office.js — 督查室工作台: issue one slip (each co-unit's own 协办时限 among
// its fields) or a meeting's batch, and work the
// queues (待复核, 待销号, 延期申请, 在办事项). Every queue row's buttons come
// from the slip's allowed_actions. The counters come from the statistics
// (/stats/summary) and the work queues walk every page of the ledger, so
// both are true at any size; 在办事项 shows the newest page with the exact
// total beside it.
'use strict';

// The API expands status=open to every open status of the lifecycle table.
const OPEN = 'open';

// keyFor keeps one Idempotency-Key per unchanged request body, so resending
// the same slip after a network error issues it once, and a corrected form
// is a new request.
function keyFor(holder, body) {
  const text = JSON.stringify(body);
  if (holder.body !== text) {
    holder.body = text;
    holder.key = D.newKey();
  }
  return holder.key;
}

function deadlineOf(dateValue, daysValue, draft) {
  if (daysValue) draft.deadline_working_days = Number(daysValue);
  else if (dateValue) draft.deadline = dateValue;
}

function issuedLink(s) {
  return D.el('a', { href: '/slips/' + s.id, class: 'issued-link', dataset: { slipId: s.id } }, s.number + ' ' + s.title);
}

async function issueOne(form, holder) {
  const f = form.elements;
  const lead = f.lead_department.value;
  const draft = {
    title: f.title.value.trim(), content: f.content.value.trim(), source: f.source.value.trim(),
    batch: f.batch.value.trim(), category: f.category.value.trim(), priority: f.priority.value,
    lead_department: lead, leader: f.leader.value.trim(),
    co_departments: Array.from(form.querySelectorAll('input[name="co_departments"]:checked'), (c) => c.value).filter((c) => c !== lead),
  };
  const byDays = form.querySelector('input[name="deadline_mode"]:checked').value === 'working_days';
  deadlineOf(byDays ? '' : f.deadline.value, byDays ? f.deadline_working_days.value : '', draft);
  const result = D.$('#issue-result');
  const co = coDeadlines(form, draft);
  if (co.error) {
    result.className = 'wide result error';
    result.textContent = co.error;
    result.hidden = false;
    return;
  }
  if (co.deadlines) draft.co_deadlines = co.deadlines;
  try {
    const s = await D.api('POST', '/slips', draft, { idempotencyKey: keyFor(holder, draft) });
    result.className = 'wide result ok';
    result.replaceChildren('已交办：', issuedLink(s), '（' + s.status_label + '，办结时限 ' + s.deadline + '）');
    result.hidden = false;
    form.reset();
    toggleDeadline(form);
    renderCoDeadlines(form);
    holder.body = '';
    await loadQueues();
  } catch (e) {
    result.className = 'wide result error';
    result.textContent = D.errorText(e);
    result.hidden = false;
    if (e.field === 'co_deadlines') result.textContent = markCoDeadline(form, e.message);
  }
}

// ---- co-units' own deadlines (协办时限) ------------------------------------

// slipDeadline is the slip's deadline date the form gives, or '' when it
// is set in working days (the server counts it).
function slipDeadline(form) {
  const byDays = form.querySelector('input[name="deadline_mode"]:checked').value === 'working_days';
  return byDays ? '' : form.elements.deadline.value;
}

// renderCoDeadlines gives each ticked co-unit (not the lead) a date input,
// keeping what the clerk typed; an untouched one follows the slip's
// deadline, so by default a co-unit's part is due with the slip.
function renderCoDeadlines(form) {
  const box = D.$('#co-deadlines');
  const rows = box.querySelector('.co-deadline-rows');
  const lead = form.elements.lead_department.value;
  const codes = Array.from(form.querySelectorAll('input[name="co_departments"]:checked'), (c) => c.value).filter((c) => c !== lead);
  const old = new Map(Array.from(rows.querySelectorAll('input[name="co_deadline"]'), (i) => [i.dataset.department, i]));
  const due = slipDeadline(form);
  rows.replaceChildren(...codes.map((code) => {
    let input = old.get(code);
    if (!input) {
      input = D.el('input', { type: 'date', name: 'co_deadline', dataset: { department: code } });
      input.addEventListener('input', () => { input.dataset.touched = 'true'; input.classList.remove('invalid'); });
    }
    if (!input.dataset.touched) input.value = due;
    return D.el('label', { class: 'inline co-deadline', dataset: { department: code } }, D.deptName(code) + ' ', input);
  }));
  box.hidden = codes.length === 0;
}

// coDeadlines reads the co-units' own deadlines: those that differ from the
// slip's (an empty one is the slip's), or the Chinese message of the first
// that cannot be (in the past, after the slip's deadline).
function coDeadlines(form, draft) {
  const out = {};
  const due = slipDeadline(form);
  const today = D.today();
  for (const input of form.querySelectorAll('#co-deadlines input[name="co_deadline"]')) {
    const code = input.dataset.department;
    const v = input.value;
    if (!v || v === due || !(draft.co_departments || []).includes(code)) continue;
    let error = '';
    if (v < today) error = '配合单位' + D.deptName(code) + '的协办时限 ' + v + ' 早于今天（' + today + '）';
    else if (due && v > due) error = '配合单位' + D.deptName(code) + '的协办时限 ' + v + ' 晚于办结时限 ' + due + '，只能相同或提前';
    if (error) {
      input.classList.add('invalid');
      input.focus();
      return { error };
    }
    out[code] = v;
  }
  return { deadlines: Object.keys(out).length ? out : null };
}

// markCoDeadline outlines the co-unit's input a server refusal names and
// returns the message with the unit's name for its code.
function markCoDeadline(form, message) {
  let text = message;
  for (const input of form.querySelectorAll('#co-deadlines input[name="co_deadline"]')) {
    const code = input.dataset.department;
    if (message.includes(' ' + code + ' ')) {
      input.classList.add('invalid');
      text = text.replace(' ' + code + ' ', D.deptName(code));
    }
  }
  return text;
}

function toggleDeadline(form) {
  const byDays = form.querySelector('input[name="deadline_mode"]:checked').value === 'working_days';
  form.elements.deadline.disabled = byDays;
  form.elements.deadline_working_days.disabled = !byDays;
}

// ---- a meeting's batch ----------------------------------------------------

async function addBatchRow() {
  const depts = await D.departments();
  const tbody = D.$('#batch-rows');
  const options = () => depts.map((d) => D.el('option', { value: d.code, text: d.name }));
  const row = D.el('tr', { class: 'batch-row' },
    D.el('td', { class: 'row-no' }),
    D.el('td', {}, D.el('input', { name: 'title', maxlength: 200, placeholder: '交办事项' })),
    D.el('td', {}, D.el('input', { name: 'content', maxlength: 20000, placeholder: '具体要求' })),
    D.el('td', {}, D.el('select', { name: 'lead_department' }, D.el('option', { value: '', text: '请选择' }), options())),
    D.el('td', {}, D.el('select', { name: 'co_departments', multiple: true, size: 3, title: '按住 Ctrl 多选' }, options())),
    D.el('td', {}, D.el('button', { type: 'button', class: 'link', text: '删除', onclick: () => { row.remove(); numberRows(); } })));
  tbody.append(row);
  numberRows();
}

function numberRows() {
  D.$('#batch-rows').querySelectorAll('tr').forEach((tr, i) => { tr.querySelector('.row-no').textContent = String(i + 1); });
}

async function issueBatch(form) {
  const f = form.elements;
  const common = {
    batch: f.batch.value.trim(), source: f.source.value.trim() || f.batch.value.trim(), category: f.category.value.trim(),
    leader: f.leader.value.trim(), priority: f.priority.value,
  };
  const result = D.$('#batch-result');
  const lines = [];
  let issued = 0;
  let failed = 0;
  for (const [i, row] of Array.from(D.$('#batch-rows').querySelectorAll('tr')).entries()) {
    if (row.dataset.issued) continue; // issued by an earlier click
    const get = (n) => row.querySelector('[name="' + n + '"]');
    const title = get('title').value.trim();
    if (!title) continue;
    const lead = get('lead_department').value;
    const draft = Object.assign({}, common, {
      title, content: get('content').value.trim(), lead_department: lead,
      co_departments: Array.from(get('co_departments').selectedOptions, (o) => o.value).filter((c) => c !== lead),
    });
    deadlineOf(f.deadline.value, f.deadline_working_days.value, draft);
    row._holder = row._holder || {};
    try {
      const s = await D.api('POST', '/slips', draft, { idempotencyKey: keyFor(row._holder, draft) });
      row.dataset.issued = s.id;
      row.classList.add('done');
      issued++;
      lines.push(D.el('li', { class: 'ok' }, '第 ' + (i + 1) + ' 项已交办：', issuedLink(s)));
    } catch (e) {
      failed++;
      lines.push(D.el('li', { class: 'error' }, '第 ' + (i + 1) + ' 项（' + title + '）未交办：' + D.errorText(e)));
    }
  }
  result.className = 'result ' + (failed ? 'error' : 'ok');
  result.replaceChildren(D.el('p', { text: '本批次交办 ' + issued + ' 项' + (failed ? '，' + failed + ' 项未成功，请修改后再次提交（已交办的不会重复）' : '') }),
    D.el('ul', {}, lines));
  result.hidden = false;
  if (issued) await loadQueues();
}

// ---- queues -----------------------------------------------------------------

// withTotal says how many of total the container shows, when not all, and
// links the ledger filtered to the whole queue (status, a ledger query).
function withTotal(container, shown, total, status) {
  if (total > shown) D.partialNote(container, '最近 ' + shown, total, '/ledger?status=' + status);
}

// showStoppedWorkflows warns of slips whose workflows stopped while the
// ledger still counts them open: nothing will move them any more.
async function showStoppedWorkflows() {
  const box = D.$('#workflow-alerts');
  try {
    const r = await D.api('GET', '/alerts/workflows');
    const open = r.items.filter((f) => f.counted_open);
    box.hidden = !open.length;
    box.replaceChildren(D.el('b', { text: open.length + ' 件交办单的办理流程已中止，台账仍计为在办，请联系管理员处理：' }),
      ...open.map((f) => D.el('a', { href: '/slips/' + f.slip_id, class: 'stopped-slip', text: ' ' + (f.number || f.slip_id) })));
  } catch (e) {
    box.hidden = false;
    box.textContent = '无法查询流程状态：' + D.errorText(e);
  }
}

// resolutions reads what each slip awaiting review reported (its latest
// 申请办结: summary and evidence) from its timeline, for the first 50.
async function resolutions(slips) {
  const out = {};
  await Promise.all(slips.slice(0, 50).map(async (s) => {
    const t = await D.api('GET', '/slips/' + encodeURIComponent(s.id) + '/timeline');
    const r = t.items.filter((e) => e.type === 'resolve').pop();
    if (!r || !r.payload) return;
    out[s.id] = D.el('div', { class: 'resolution' }, D.el('div', { text: r.payload.summary || '' }),
      r.payload.evidence ? D.el('div', { class: 'muted', text: '佐证材料：' + r.payload.evidence.join('；') }) : null);
  }));
  return out;
}

// parts shows, at review, what every co-unit did: unit, status, report.
function parts(s) {
  const co = (s.tracks || []).filter((t) => t.role === 'co');
  if (!co.length) return null;
  return D.el('ul', { class: 'parts' }, co.map((t) => D.el('li', { dataset: { department: t.department } },
    D.deptName(t.department) + '（' + t.status_label + '）' + ((t.report && t.report.achieved) ? '：' + t.report.achieved : '') +
    (t.waiver ? '　豁免理由：' + t.waiver : ''))));
}

// loadRefusals fills the 退回 queue: each slip with a part a unit refused,
// its units side by side with 改派 and 驳回退回 on the refused part.
async function loadRefusals() {
  const r = await D.api('GET', '/refusals');
  const box = D.$('#queue-refusals');
  D.$('#count-refusals').textContent = r.items.length;
  if (!r.items.length) {
    box.replaceChildren(D.el('p', { class: 'muted empty', text: box.dataset.empty }));
    return;
  }
  box.replaceChildren(...r.items.map((s) => D.el('div', { class: 'refusal', dataset: { slipId: s.id } },
    D.el('h3', {}, D.slipLink(s), ' ', D.colourBadge(s)), D.trackTable(s, loadQueues))));
}

async function loadQueues() {
  try {
    await loadRefusals();
    // The review and sign-off queues show their newest 200 slips (a
    // backlog of thousands was one table of thousands of rows with their
    // action bars: 12 s to load at a million), counted from the statistics;
    // extension requests, a few hundred at most, are listed whole.
    const first = (status) => D.api('GET', '/slips?status=' + status + '&page_size=200').then((p) => p.items);
    const [stats, review, signoff, ext, open] = await Promise.all([
      D.api('GET', '/stats/summary'), first('pending_review'), first('pending_signoff'),
      D.allSlips('pending_extension=true&status=' + OPEN), first(OPEN)]);
    const c = stats.summary;
    const opts = { actions: true, onDone: loadQueues };
    const reported = await resolutions(review);
    D.fillQueue(D.$('#queue-review'), review, Object.assign({
      extra: { title: '办结情况', cell: (s) => D.el('div', {}, reported[s.id] || D.el('span', { class: 'muted', text: '见交办单详情' }), parts(s)) } }, opts));
    withTotal(D.$('#queue-review'), review.length, c.pending_review, 'pending_review');
    D.fillQueue(D.$('#queue-signoff'), signoff, opts);
    withTotal(D.$('#queue-signoff'), signoff.length, c.pending_signoff, 'pending_signoff');
    D.fillQueue(D.$('#queue-extension'), ext, Object.assign({
      extra: { title: '延期申请', cell: (s) => '申请延期至 ' + s.pending_extension.proposed_deadline + '：' + s.pending_extension.reason } }, opts));
    D.fillQueue(D.$('#queue-open'), open, opts);
    withTotal(D.$('#queue-open'), open.length, c.open, OPEN);
    D.$('#count-review').textContent = c.pending_review;
    D.$('#count-signoff').textContent = c.pending_signoff;
    D.$('#count-extension').textContent = ext.length;
    D.$('#count-open').textContent = c.open;
    D.counters(D.$('#office-counters'), [
      ['在办', c.open], ['待签收', c.issued], ['办理中', c.in_progress],
      ['待复核', c.pending_review], ['待销号', c.pending_signoff],
      ['逾期', c.overdue_open, 'red'], ['延期待批', ext.length, 'yellow']]);
    document.body.dataset.loaded = 'true';
  } catch (e) {
    D.flash(D.errorText(e), 'error');
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['office']);
  if (!user) return;
  await D.fillDeptControls();
  for (const tab of document.querySelectorAll('.tab')) {
    tab.addEventListener('click', () => {
      for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t === tab);
      for (const p of document.querySelectorAll('.tab-panel')) p.hidden = p.id !== tab.dataset.tab;
    });
  }
  const form = D.$('#issue-form');
  const holder = {};
  for (const r of form.querySelectorAll('input[name="deadline_mode"]')) r.addEventListener('change', () => { toggleDeadline(form); renderCoDeadlines(form); });
  for (const input of form.querySelectorAll('input[name="co_departments"], select[name="lead_department"], input[name="deadline"]')) {
    input.addEventListener('change', () => renderCoDeadlines(form));
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const b = D.$('#issue-submit');
    b.disabled = true;
    try { await issueOne(form, holder); } finally { b.disabled = false; }
  });
  const batch = D.$('#batch-form');
  await addBatchRow();
  await addBatchRow();
  D.$('#batch-add-row').addEventListener('click', addBatchRow);
  batch.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const b = D.$('#batch-submit');
    b.disabled = true;
    try { await issueBatch(batch); } finally { b.disabled = false; }
  });
  await Promise.all([loadQueues(), showStoppedWorkflows()]);
});
