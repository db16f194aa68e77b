// lists.js — 晒比榜单: a list's month as the API computes it (live) or as
// it was published (frozen), group by group, with the 红榜 and 黑榜; the
// office's review — 加分/扣分 with reasons — and publication; the export in
// the published layout. Ranks, ties and 暂无数据 are the API's.
'use strict';

let user = null;
let current = null;

function lastMonth() {
  const [y, m] = D.today().split('-').map(Number);
  const t = y * 12 + (m - 1) - 1;
  return Math.floor(t / 12) + '-' + String((t % 12) + 1).padStart(2, '0');
}

function path() { return '/lists/' + encodeURIComponent(D.$('#list-code').value) + '/' + D.$('#list-month').value; }
function fmt(v) { return v === null || v === undefined ? '—' : Number(v).toFixed(2); }

function board(title, cls, entries) {
  return D.el('div', { class: 'rank-list ' + cls }, D.el('h3', { text: title }),
    entries.length ? D.el('ol', {}, entries.map((e) => D.el('li', { dataset: { member: e.member_code } },
      D.el('span', { class: 'rank', text: e.rank }), D.el('span', { class: 'name', text: e.member_name }),
      D.el('span', { class: 'score', text: fmt(e.score) + ' 分' }))))
      : D.el('p', { class: 'muted', text: '暂无' }));
}

function render(p) {
  current = p;
  D.$('#list-source').textContent = p.source === 'snapshot' ? '已发布（' + D.fmtTime(p.taken_at) + '），已冻结' : '未发布 · 实时计算';
  document.body.dataset.listSource = p.source;
  const head = ['名次', '单位', ...p.components.map((c) => c.name + '（' + c.weight + '）'), '基础得分', '加减分', '总分', '榜次'];
  D.$('#list-groups').replaceChildren(...p.groups.map((g) => {
    const red = new Set(g.red_list.map((e) => e.member_code));
    const black = new Set(g.black_list.map((e) => e.member_code));
    return D.el('section', { class: 'card', dataset: { group: g.name } }, D.el('h2', { text: g.name || p.list_name }),
      D.el('div', { class: 'rank-grid' }, board('红榜', 'red-list', g.red_list), board('黑榜', 'black-list', g.black_list)),
      D.el('table', { class: 'table rank-table' }, D.el('thead', {}, D.el('tr', {}, head.map((h) => D.el('th', { text: h })))),
        D.el('tbody', {}, g.entries.map((e) => D.el('tr', { dataset: { member: e.member_code, rank: e.rank } },
          D.el('td', { class: 'rank', text: e.no_data ? '—' : e.rank }), D.el('td', { text: e.member_name }),
          e.parts.map((v) => D.el('td', { text: fmt(v) })),
          D.el('td', { text: e.no_data ? '暂无数据' : fmt(e.base_score) }),
          D.el('td', { text: e.adjustment ? (e.adjustment > 0 ? '+' : '') + e.adjustment : '0' }),
          D.el('td', { class: 'rate total', text: e.no_data ? '暂无数据' : fmt(e.score) }),
          D.el('td', { class: 'board', text: e.no_data ? '暂无数据' : red.has(e.member_code) ? '红榜' : black.has(e.member_code) ? '黑榜' : '' }))))));
  }));
  D.$('#list-export').href = '/api/v1' + path() + '/export';
  document.body.dataset.loaded = 'true';
  if (user.role === 'office') {
    const frozen = p.source === 'snapshot';
    D.$('#office-review').hidden = false;
    for (const id of ['#adj-add', '#list-publish']) D.$(id).disabled = frozen;
    D.$('#adj-member').replaceChildren(...p.groups.flatMap((g) => g.entries).map((e) => D.el('option', { value: e.member_code, text: e.member_name })));
    D.$('#adj-list').replaceChildren(...p.adjustments.map((a) => D.el('li', {},
      D.el('span', { class: 'when', text: D.fmtTime(a.created_at) }), (a.points > 0 ? '加 ' : '扣 ') + Math.abs(a.points) + ' 分：',
      D.el('b', { text: (p.groups.flatMap((g) => g.entries).find((e) => e.member_code === a.member_code) || {}).member_name || a.member_code }),
      '，' + a.reason + '（' + a.created_by + '）')));
  }
}

async function load() {
  try {
    render(await D.api('GET', path()));
  } catch (e) {
    D.$('#list-groups').replaceChildren(D.el('p', { class: 'error', text: D.errorText(e) }));
  }
}

(async () => {
  user = await D.start(['office', 'leader', 'department']);
  if (!user) return;
  const q = new URLSearchParams(location.search);
  const lists = (await D.api('GET', '/lists')).items;
  if (!lists.length) { D.$('#list-groups').replaceChildren(D.el('p', { class: 'muted empty', text: '还没有定义榜单' })); return; }
  D.$('#list-code').replaceChildren(...lists.map((l) => D.el('option', { value: l.code, text: l.name })));
  if (q.get('list')) D.$('#list-code').value = q.get('list');
  D.$('#list-month').value = q.get('month') || lastMonth();
  D.$('#list-code').addEventListener('change', load);
  D.$('#list-month').addEventListener('change', load);
  D.$('#adj-add').addEventListener('click', async () => {
    try {
      await D.api('POST', path() + '/adjustments', { member_code: D.$('#adj-member').value, points: Number(D.$('#adj-points').value), reason: D.$('#adj-reason').value });
      D.flash('已记录');
      D.$('#adj-points').value = ''; D.$('#adj-reason').value = '';
      await load();
    } catch (e) { D.flash(D.errorText(e), 'error'); }
  });
  const publish = D.$('#list-publish');
  publish.addEventListener('click', async () => {
    // Two clicks: publishing freezes the month for good.
    if (publish.dataset.armed !== 'true') {
      publish.dataset.armed = 'true';
      publish.textContent = '再次点击确认发布（发布后不可更改）';
      return;
    }
    publish.dataset.armed = '';
    publish.textContent = '发布本月榜单';
    try {
      render(await D.api('POST', path() + '/publish'));
      D.flash('已发布');
    } catch (e) { D.flash(D.errorText(e), 'error'); }
  });
  await load();
})();
