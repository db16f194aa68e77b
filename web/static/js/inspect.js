// inspect.js — 回头看 for a 督查员 or 市民监督员: the checks assigned to
// them, what each slip promised (title, content, how it was resolved, its
// evidence), a photo of the visit (the phone's camera) and the finding
// (合格 / 不合格 with what was found). A check not assigned to the caller is
// not found by the API.
'use strict';

function checkCard(r, reload) {
  const s = r.slip || {};
  const card = D.el('section', { class: 'card reinspection', dataset: { id: r.id, status: r.status } },
    D.el('h2', {}, (s.number || r.slip_number) + ' ' + (s.title || r.slip_title),
      D.el('span', { class: 'badge status status-' + r.status, text: r.status_label }),
      r.escalation_label ? D.el('span', { class: 'badge rework', text: r.escalation_label }) : null),
    D.el('table', { class: 'fields' }, D.el('tbody', {}, [
      ['责任单位', s.lead_department], ['交办内容', s.content], ['办结情况', s.resolution || '—'],
      ['销号日期', s.closed_on], ['检查期限', r.start_on + ' 至 ' + r.due_on],
    ].map(([k, v]) => D.el('tr', {}, D.el('th', { text: k }), D.el('td', { text: v || '' }))))));
  if (s.evidence && s.evidence.length) {
    card.append(D.el('ul', { class: 'evidence-list' }, s.evidence.map((f) => D.el('li', { class: 'evidence-item' },
      f.inline && f.content_type.startsWith('image/') ? D.el('img', { class: 'evidence-thumb', src: f.url, alt: f.name, loading: 'lazy' }) : null,
      D.el('a', { href: f.url, target: '_blank', rel: 'noopener', text: f.name + '（' + f.purpose_label + '）' })))));
  }
  if (r.status === 'assigned') {
    const file = D.el('input', { type: 'file', name: 'file', accept: 'image/*,.pdf', class: 'visit-photo' });
    const upload = D.el('button', { type: 'button', class: 'visit-upload', text: '上传现场照片' });
    upload.addEventListener('click', async () => {
      if (!file.files || !file.files[0]) { D.flash('请先选择照片', 'error'); return; }
      upload.disabled = true;
      try {
        await uploadVisit(r.id, file.files[0]);
        D.flash('已上传：' + file.files[0].name);
        await reload();
      } catch (e) { D.flash(e.message, 'error'); } finally { upload.disabled = false; }
    });
    const verdict = D.el('select', { name: 'passed' }, D.el('option', { value: 'true', text: '合格' }), D.el('option', { value: 'false', text: '不合格' }));
    const notes = D.el('textarea', { name: 'notes', rows: 3, maxlength: 5000 });
    const form = D.el('form', { class: 'form record-form' },
      D.el('label', {}, '现场照片', file), D.el('div', { class: 'actions-row' }, upload),
      D.el('label', {}, '检查结论', verdict), D.el('label', {}, '检查情况（不合格须写明问题）', notes),
      D.el('div', { class: 'actions-row' }, D.el('button', { type: 'submit', class: 'primary record-submit', text: '提交结论' })));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        await D.api('POST', '/reinspections/' + encodeURIComponent(r.id) + '/record', { passed: verdict.value === 'true', notes: notes.value });
        D.flash('已记录回头看结论');
        await reload();
      } catch (e) { D.flash(D.errorText(e), 'error'); }
    });
    card.append(form);
  } else if (r.notes) {
    card.append(D.el('p', { class: 'muted', text: '检查情况：' + r.notes }));
  }
  return card;
}

async function uploadVisit(id, file) {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await fetch('/api/v1/reinspections/' + encodeURIComponent(id) + '/evidence', {
    method: 'POST', credentials: 'same-origin', body: form,
    headers: { Accept: 'application/json', 'X-CSRF-Token': localStorage.getItem(D.CSRF_KEY) || '' },
  });
  if (!res.ok) {
    let data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    throw new Error((data && data.error && data.error.message) || '上传失败（HTTP ' + res.status + '）');
  }
}

async function load() {
  const host = D.$('#inspect-list');
  const list = await D.api('GET', '/reinspections');
  if (!list.items.length) {
    host.replaceChildren(D.el('p', { class: 'muted', id: 'inspect-empty', text: '暂无派给您的回头看任务' }));
  } else {
    const cards = await Promise.all(list.items.map((r) => D.api('GET', '/reinspections/' + encodeURIComponent(r.id))));
    host.replaceChildren(...cards.map((r) => checkCard(r, load)));
  }
  document.body.dataset.loaded = 'true';
}

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['inspector', 'citizen', 'office']);
  if (!user) return;
  try { await load(); } catch (e) { D.flash(D.errorText(e), 'error'); }
});
