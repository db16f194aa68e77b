// problem.js — a problem (问题) of a meeting's list: its measures (措施) and
// their progress; the office accepts the whole (销号) once every measure is
// closed. Whether it may is the API's answer, not this page's.
'use strict';

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['office', 'leader']);
  if (!user) return;
  const id = decodeURIComponent(location.pathname.split('/')[2] || '');
  async function load() {
    const [p, measures] = await Promise.all([D.api('GET', '/problems/' + encodeURIComponent(id)), D.allSlips('problem=' + encodeURIComponent(id))]);
    D.$('#problem-title').textContent = p.title;
    D.$('#problem-meeting').href = '/meetings/' + encodeURIComponent(p.meeting_id);
    const c = (n, label, cls) => D.el('div', { class: 'counter ' + (cls || '') }, D.el('b', { text: n }), D.el('span', { text: label }));
    D.$('#problem-counters').replaceChildren(
      c(p.status_label, '状态', 'problem-status'), c(String(p.measures.assigned), '措施'), c(String(p.measures.closed), '已销号'),
      c(D.pct(p.measure_closure_rate), '措施销号率'));
    D.fillQueue(D.$('#problem-measures'), measures);
    D.$('#problem-accept').hidden = !(user.role === 'office' && p.status === 'ready');
  }
  D.$('#problem-accept').addEventListener('click', async () => {
    try {
      await D.api('POST', '/problems/' + encodeURIComponent(id) + '/accept');
      D.flash('问题已验收销号');
      await load();
    } catch (e) {
      D.flash(D.errorText(e), 'error');
    }
  });
  try {
    await load();
  } catch (e) {
    D.$('#main').replaceChildren(D.el('p', { class: 'error', text: e.status === 404 ? '该问题不存在。' : D.errorText(e) }));
  }
  document.body.dataset.loaded = 'true';
});
