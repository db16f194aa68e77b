// department.js — 部门工作台: the department's open slips by 三色 and due
// date, what was sent back and why, and its inbox. The API shows a
// department only its own slips (as lead or co-unit). The counters come from
// the statistics, and each colour queue is one ledger query — the unit's
// open slips by its own part's colour, due soonest first — whose total
// counts the whole queue, so both are true at any size; 逾期 counts the red
// queue (the unit's own overdue parts). Each queue lists the 200 due
// soonest, and links the ledger (the same filter) for the rest. (It walked
// every page of the unit's open slips before: 66 requests one after another
// for 住建局's 13k at a million.)
'use strict';

// QUEUE_ROWS is how many slips a colour queue lists (the count is of all).
const QUEUE_ROWS = 200;
// SENT_BACK_ROWS is how many sent-back slips the card gives the reason of.
const SENT_BACK_ROWS = 50;
let user = null;

// own is the department's current part of slip s (not a replaced one).
function own(s) { return (s.tracks || []).find((t) => t.department === user.department && t.status !== 'replaced'); }

// loadSentBack names the reasons of the unit's slips in progress after a
// send-back (退回重办), the SENT_BACK_ROWS due soonest of them.
async function loadSentBack() {
  const page = await D.api('GET', '/slips?status=in_progress&sent_back=true&sort=due&page_size=' + SENT_BACK_ROWS +
    '&lead=' + encodeURIComponent(user.department));
  const reworked = page.items;
  const card = D.$('#sent-back-card');
  if (!reworked.length) { card.hidden = true; return; }
  // Each reason is in the slip's timeline: the 50 due soonest are read (a
  // large unit had three hundred, one request each).
  const rows = await Promise.all(reworked.slice(0, SENT_BACK_ROWS).map(async (s) => {
    const t = await D.api('GET', '/slips/' + encodeURIComponent(s.id) + '/timeline');
    return { s, reason: D.sentBackReason(t.items) };
  }));
  const shown = rows.filter((r) => r.reason);
  card.hidden = !shown.length;
  D.$('#sent-back').replaceChildren(D.el('ul', { class: 'sent-back-list' }, shown.map(({ s, reason }) =>
    D.el('li', { dataset: { slipId: s.id } }, D.slipLink(s), '　退回理由：', D.el('span', { class: 'reason', text: reason }),
      '（已重办 ' + s.rework_count + ' 次，办结时限 ' + s.deadline + '）'))),
  page.next_cursor ? D.el('p', { class: 'muted queue-partial',
    text: '共 ' + D.pageTotal(page) + ' 项退回重办，仅显示最近到期的 ' + SENT_BACK_ROWS + ' 项。' }) : '');
}

async function loadInbox() {
  const list = D.$('#inbox');
  try {
    const r = await D.api('GET', '/notifications?limit=10');
    if (!r.items.length) { list.replaceChildren(D.el('li', { class: 'muted', text: list.dataset.empty })); return; }
    list.replaceChildren(...r.items.map((n) => D.el('li', { class: n.read_at ? 'read' : 'unread' },
      D.el('span', { class: 'when', text: D.fmtTime(n.created_at) }),
      n.slip_id ? D.el('a', { href: '/slips/' + n.slip_id, text: n.title }) : D.el('b', { text: n.title }),
      D.el('div', { class: 'muted', text: n.body }))));
  } catch (e) {
    list.replaceChildren(D.el('li', { class: 'error', text: D.errorText(e) }));
  }
}

async function load() {
  try {
    const colours = ['red', 'yellow', 'green'];
    const [stats, ...queues] = await Promise.all([D.api('GET', '/stats/summary'),
      ...colours.map((c) => D.api('GET', '/slips?status=open&sort=due&page_size=' + QUEUE_ROWS + '&color=' + c))]);
    const c = stats.summary;
    const opts = {
      actions: true, onDone: load,
      extra: { title: '本单位', cell: (s) => (s.lead_department === user.department ? '牵头' : '配合') +
        (own(s) ? '·' + own(s).status_label + '（时限 ' + own(s).deadline + '）' : '') },
    };
    const queued = {};
    colours.forEach((colour, i) => {
      // A unit's queue follows its own part's colour (the slip's, for a
      // slip without parts), as its ledger filtered by the colour does. It
      // lists the 200 due soonest: thirteen thousand rows with their action
      // bars took 10 s to draw (住建局 at a million).
      const page = queues[i];
      const box = D.$('#slips-' + colour);
      D.fillQueue(box, page.items, opts);
      const total = D.pageTotal(page);
      if (page.next_cursor) D.partialNote(box, '最近到期的 ' + QUEUE_ROWS, total, '/ledger?color=' + colour);
      D.$('#count-' + colour).textContent = total;
      queued[colour] = total;
    });
    // 逾期 is the unit's own overdue work, as its red queue lists it: a slip
    // late only on another unit's part is not this unit's to answer for.
    D.counters(D.$('#dept-counters'), [
      ['在办', c.open], ['待签收', c.issued, 'yellow'], ['办理中', c.in_progress], ['待复核', c.pending_review],
      ['待销号', c.pending_signoff], ['逾期', queued.red, 'red']]);
    await loadSentBack();
    document.body.dataset.loaded = 'true';
  } catch (e) {
    D.flash(D.errorText(e), 'error');
  }
  await loadInbox();
}

document.addEventListener('DOMContentLoaded', async () => {
  user = await D.start(['department']);
  if (!user) return;
  D.$('#dept-name').textContent = D.deptName(user.department);
  await load();
});
