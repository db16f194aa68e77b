// meetings.js — the list of meetings with their closure rates, and (for the
// office) the form that records a new one.
'use strict';

function meetingRow(m) {
  return D.el('tr', { dataset: { meetingId: m.id } },
    D.el('td', { class: 'nowrap', text: m.date }),
    D.el('td', {}, D.el('a', { href: '/meetings/' + encodeURIComponent(m.id), class: 'meeting-link', text: m.title })),
    D.el('td', { text: m.kind_label }),
    D.el('td', { text: m.chair }),
    D.el('td', { text: String(m.counts.assigned) }),
    D.el('td', { text: String(m.counts.closed) }),
    D.el('td', { class: 'rate', text: D.pct(m.closure_rate) }));
}

async function loadMeetings() {
  const r = await D.api('GET', '/meetings');
  const body = D.$('#meetings-table tbody');
  body.replaceChildren(...(r.items.length ? r.items.map(meetingRow)
    : [D.el('tr', {}, D.el('td', { colspan: 7, class: 'muted empty', text: '暂无会议' }))]));
  return r;
}

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['office', 'leader']);
  if (!user) return;
  try {
    const r = await loadMeetings();
    if (user.role === 'office') {
      D.$('#meeting-kind').replaceChildren(...r.kinds.map((k) => D.el('option', { value: k.kind, text: k.label })));
      D.$('#meeting-form').elements.date.value = D.today();
      D.$('#meeting-new').hidden = false;
    }
  } catch (e) {
    D.flash(D.errorText(e), 'error');
  }
  D.$('#meeting-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    const body = {
      kind: f.kind.value, title: f.title.value, date: f.date.value, chair: f.chair.value, place: f.place.value,
      attendees: f.attendees.value.split(/[、，,;；\s]+/).filter(Boolean), minutes: f.minutes.value,
    };
    try {
      const m = await D.api('POST', '/meetings', body);
      location.assign('/meetings/' + encodeURIComponent(m.id));
    } catch (e) {
      D.flash(D.errorText(e), 'error');
    }
  });
  document.body.dataset.loaded = 'true';
});
