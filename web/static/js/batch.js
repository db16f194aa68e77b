// batch.js — 批次汇总表: the table the chair reads at the next meeting, on
// screen and on A4 landscape paper. A title row (batch, as-of date), the
// batch's slips in issue order with 实现情况, 存在问题, 具体措施（责任单位、
// 解决时限）, 状态 and 三色, and each co-unit's part on its own line beneath
// its slip. The XLSX and CSV links export the same batch in the same order
// (GET /slips/export?batch=…&sort=issued). Every value comes from the
// slips as the API answers them (/slips?batch=…&sort=issued): the lead's
// latest report (for a closed slip, the accepted resolution), each part's
// report, status and colour; nothing is recomputed here.
'use strict';

const HEAD = ['序号', '交办单号', '事项内容', '责任单位', '办结时限', '实现情况', '存在问题', '具体措施（责任单位、解决时限）', '状态', '三色'];

function measureLine(m) {
  return m.content + '（责任单位：' + (m.units || []).map(D.deptName).join('、') + '；解决时限：' + m.due + '）';
}

function achievedText(r, fallback) {
  if (!r) return fallback || '';
  let t = r.achieved || '';
  for (const f of r.figures || []) t += '；' + f.name + ' ' + f.value + (f.unit || '');
  return t || fallback || '';
}

// partNote says what happened to a part that is not simply in hand.
function partNote(t) {
  if (t.status === 'waived') return '已豁免：' + (t.waiver || '');
  if (t.status === 'replaced') return '已改派' + D.deptName(t.replaced_by);
  if (t.status === 'refused' && t.refusal) return '申请退回：' + t.refusal.reason;
  return '';
}

function colourCell(c, label) {
  return D.el('td', { class: 'colour' }, c ? D.el('span', { class: 'badge colour-' + c, text: label || c }) : '—');
}

function reportCells(r, fallback, note) {
  const achieved = [achievedText(r, fallback), note].filter(Boolean).join(' ');
  return [
    D.el('td', { class: 'pre achieved', text: achieved || '—' }),
    D.el('td', { class: 'pre problems', text: (r && r.problems) || '—' }),
    D.el('td', { class: 'pre measures', text: ((r && r.measures) || []).map(measureLine).join('\n') || '—' }),
  ];
}

// slipRows are the slip's line and, beneath it, one line per co-unit part.
function slipRows(s, serial) {
  const lead = (s.tracks || []).find((t) => t.role === 'lead' && t.status !== 'replaced');
  const deadline = s.deadline + (s.original_deadline && s.original_deadline !== s.deadline ? '（原 ' + s.original_deadline + '）' : '');
  const rows = [D.el('tr', { class: 'slip-line', dataset: { slipId: s.id, serial: String(serial) } },
    D.el('td', { class: 'serial', text: serial }),
    D.el('td', { class: 'nowrap' }, D.el('a', { href: '/slips/' + s.id, text: s.number })),
    D.el('td', { class: 'pre matter' }, D.el('b', { text: s.title }), s.content ? '\n' + s.content : ''),
    D.el('td', { class: 'units' }, D.el('b', { text: '主办：' + D.deptName(s.lead_department) }),
      (s.co_departments || []).length ? '\n协办：' + D.deptList(s.co_departments) : ''),
    D.el('td', { class: 'nowrap', text: deadline }),
    ...reportCells(lead && lead.report, s.latest_progress, ''),
    D.el('td', { class: 'state', text: s.status_label }),
    colourCell(s.color, s.color_label))];
  for (const t of s.tracks || []) {
    if (t.role !== 'co') continue;
    rows.push(D.el('tr', { class: 'part-line part-' + t.status, dataset: { slipId: s.id, department: t.department, status: t.status, color: t.color || '' } },
      D.el('td', {}), D.el('td', {}), D.el('td', { class: 'part-mark', text: '↳ 协办部分' }),
      D.el('td', { class: 'units', text: '协办：' + D.deptName(t.department) }),
      D.el('td', { class: 'nowrap', text: t.deadline }),
      ...reportCells(t.report, '', partNote(t)),
      D.el('td', { class: 'state', text: t.status_label }),
      colourCell(t.color, t.color_label)));
  }
  return rows;
}

function exportHref(batch, format) {
  return '/api/v1/slips/export?batch=' + encodeURIComponent(batch) + '&sort=issued&format=' + format;
}

async function showBatch(batch) {
  const sheet = D.$('#batch-sheet');
  const xlsx = D.$('#batch-xlsx');
  const csv = D.$('#batch-csv');
  D.$('#batch-print').disabled = !batch;
  xlsx.hidden = csv.hidden = !batch;
  if (!batch) {
    sheet.replaceChildren(D.el('p', { class: 'muted', text: '请选择一个批次。' }));
    return;
  }
  xlsx.href = exportHref(batch, 'xlsx');
  csv.href = exportHref(batch, 'csv');
  sheet.replaceChildren(D.el('p', { class: 'muted', text: '正在加载……' }));
  try {
    const slips = await D.allSlips('batch=' + encodeURIComponent(batch) + '&sort=issued');
    const body = D.el('tbody', {});
    slips.forEach((s, i) => body.append(...slipRows(s, i + 1)));
    if (!slips.length) body.append(D.el('tr', {}, D.el('td', { colspan: HEAD.length, class: 'muted', text: '该批次没有交办事项' })));
    const cols = ['c-serial', 'c-number', 'c-matter', 'c-units', 'c-deadline', 'c-achieved', 'c-problems', 'c-measures', 'c-status', 'c-colour'];
    sheet.replaceChildren(
      D.el('h2', { class: 'sheet-title', id: 'batch-title', text: batch + ' 督办事项汇总表' }),
      D.el('p', { class: 'sheet-meta', id: 'batch-meta', text: '截至 ' + D.today() + '，共 ' + slips.length + ' 项' }),
      D.el('table', { class: 'sheet-table', id: 'batch-table' },
        D.el('colgroup', {}, cols.map((c) => D.el('col', { class: c }))),
        D.el('thead', {}, D.el('tr', {}, HEAD.map((h) => D.el('th', { text: h })))), body));
    document.title = batch + ' 督办事项汇总表 · 督办';
    document.body.dataset.loaded = 'true';
  } catch (e) {
    sheet.replaceChildren(D.el('p', { class: 'error', text: D.errorText(e) }));
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['office', 'leader']);
  if (!user) return;
  const select = D.$('#batch-select');
  const wanted = new URLSearchParams(location.search).get('batch') || '';
  try {
    const rows = (await D.api('GET', '/stats/closure?group_by=batch')).items.filter((r) => r.key);
    if (wanted && !rows.some((r) => r.key === wanted)) rows.unshift({ key: wanted, assigned: 0 });
    select.append(...rows.map((r) => D.el('option', { value: r.key, text: r.key + '（' + r.assigned + ' 项）' })));
  } catch (e) {
    D.flash(D.errorText(e), 'error');
  }
  select.value = wanted;
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    if (select.value) url.searchParams.set('batch', select.value); else url.searchParams.delete('batch');
    history.replaceState(null, '', url);
    showBatch(select.value);
  });
  D.$('#batch-print').addEventListener('click', () => window.print());
  await showBatch(wanted);
  document.body.dataset.loaded = 'true';
});
