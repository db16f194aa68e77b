// meeting-import.js — the import wizard: upload a meeting's table, see every
// row as duban reads it with its problems, fix units and deadlines or skip
// rows, confirm, and watch the rows being issued. Every check is the API's;
// this page shows the preview and sends the office's fixes.
'use strict';

const W = { meeting: '', preview: null };

function upload(file) {
  return D.upload('/meetings/' + encodeURIComponent(W.meeting) + '/imports?name=' + encodeURIComponent(file.name), file);
}

function step(name) {
  for (const li of document.querySelectorAll('#import-steps li')) li.classList.toggle('active', li.dataset.step === name);
}

const PRIORITY = { normal: '一般', urgent: '急办', extra_urgent: '特急' };

function deptSelect(depts, value, field) {
  return D.el('select', { class: 'fix', dataset: { field } },
    D.el('option', { value: '', text: '请选择单位' }),
    depts.map((d) => D.el('option', { value: d.code, text: d.name, selected: d.code === value })));
}

function previewRow(r, depts) {
  const blockingOn = (field) => r.issues.some((i) => i.blocking && i.field === field);
  const issued = !!r.number;
  const lead = !issued && blockingOn('lead_department') ? deptSelect(depts, r.lead_department, 'lead_department')
    : D.el('span', { text: D.deptName(r.lead_department) || r.raw.lead || '' });
  const deadline = !issued && blockingOn('deadline') ? D.el('input', { type: 'date', class: 'fix', dataset: { field: 'deadline' } })
    : D.el('span', { text: r.deadline || (r.deadline_working_days ? r.deadline_working_days + '个工作日' : '') });
  const cls = issued ? 'row-issued' : r.issues.some((i) => i.blocking) ? 'row-blocked' : '';
  return D.el('tr', { class: cls, dataset: { line: String(r.line) } },
    D.el('td', { text: String(r.line) }),
    D.el('td', { text: r.problem || '' }),
    D.el('td', { text: r.title }),
    D.el('td', {}, lead),
    D.el('td', { text: D.deptList(r.co_departments) }),
    D.el('td', {}, deadline),
    D.el('td', { text: PRIORITY[r.priority] || r.priority }),
    D.el('td', {}, D.el('ul', { class: 'issues' }, r.issues.map((i) => D.el('li', { class: i.blocking ? 'error' : 'muted', dataset: { code: i.code }, text: i.message })))),
    D.el('td', {}, issued ? '' : D.el('input', { type: 'checkbox', class: 'skip', title: '跳过此行' })));
}

async function showPreview(p) {
  W.preview = p;
  const depts = await D.departments();
  const s = p.summary;
  D.$('#import-summary').textContent = p.file_name + '：共 ' + s.rows + ' 行，可交办 ' + s.ready + ' 行，需修正 ' + s.blocked + ' 行，已交办 ' + s.issued + ' 行'
    + (s.problems ? '，' + s.problems + ' 个问题' : '');
  D.$('#import-table tbody').replaceChildren(...p.rows.map((r) => previewRow(r, depts)));
  D.$('#import-preview').hidden = false;
  step('preview');
}

function fixes() {
  const out = [];
  for (const tr of document.querySelectorAll('#import-table tbody tr')) {
    const fix = { line: Number(tr.dataset.line) };
    let any = false;
    for (const input of tr.querySelectorAll('.fix')) {
      if (input.value) { fix[input.dataset.field] = input.value; any = true; }
    }
    const skip = tr.querySelector('input.skip');
    if (skip && skip.checked) { fix.skip = true; any = true; }
    if (any) out.push(fix);
  }
  return out;
}

async function confirmImport() {
  const id = W.preview.id;
  const btn = D.$('#import-confirm');
  btn.disabled = true;
  D.$('#import-blocked').textContent = '';
  D.$('#import-progress').hidden = false;
  const bar = D.$('#import-bar');
  let polling = true;
  const poll = async () => {
    while (polling) {
      try {
        const st = await D.api('GET', '/imports/' + encodeURIComponent(id));
        if (st.status !== 'previewed') {
          bar.max = Math.max(st.total, 1);
          bar.value = st.done;
          D.$('#import-count').textContent = st.done + ' / ' + st.total;
        }
      } catch (e) { /* the confirm's own answer reports errors */ }
      await new Promise((r) => setTimeout(r, 400));
    }
  };
  poll();
  step('issue');
  try {
    const out = await D.api('POST', '/imports/' + encodeURIComponent(id) + '/confirm', { rows: fixes() });
    polling = false;
    bar.max = Math.max(out.rows.length, 1);
    bar.value = out.rows.length;
    D.$('#import-count').textContent = out.rows.length + ' / ' + out.rows.length;
    const res = D.$('#import-result');
    const failed = out.rows.filter((r) => r.status === 'failed');
    res.replaceChildren(
      D.el('p', { id: 'import-outcome', text: '已交办 ' + out.issued + ' 项；此前已交办 ' + out.existing + ' 项（未重复交办）；跳过 ' + out.skipped + ' 行；失败 ' + out.failed + ' 项'
        + (out.problems ? '；涉及 ' + out.problems + ' 个问题' : '') }),
      failed.length ? D.el('ul', { class: 'error' }, failed.map((r) => D.el('li', { text: '第 ' + r.line + ' 行：' + r.error.message }))) : '');
    res.className = 'result ' + (out.failed ? 'error' : 'ok');
    res.hidden = false;
    D.$('#import-preview').hidden = true;
  } catch (e) {
    polling = false;
    D.$('#import-progress').hidden = true;
    step('preview');
    D.$('#import-blocked').textContent = D.errorText(e);
  } finally {
    btn.disabled = false;
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['office']);
  if (!user) return;
  W.meeting = decodeURIComponent(location.pathname.split('/')[2] || '');
  D.$('#import-back').href = '/meetings/' + encodeURIComponent(W.meeting);
  try {
    const v = await D.api('GET', '/meetings/' + encodeURIComponent(W.meeting));
    D.$('#import-meeting').textContent = v.meeting.title;
  } catch (e) {
    D.$('#main').replaceChildren(D.el('p', { class: 'error', text: e.status === 404 ? '该会议不存在。' : D.errorText(e) }));
    document.body.dataset.loaded = 'true';
    return;
  }
  D.$('#import-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = D.$('#import-file').files[0];
    if (!file) return;
    const btn = D.$('#import-upload-button');
    btn.disabled = true;
    try {
      await showPreview(await upload(file));
    } catch (e) {
      D.flash(D.errorText(e), 'error');
    } finally {
      btn.disabled = false;
    }
  });
  D.$('#import-confirm').addEventListener('click', confirmImport);
  document.body.dataset.loaded = 'true';
});
