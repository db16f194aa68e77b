// evidence.js — a slip's evidence files (证明材料) on the slip page and in
// the print view: the list (images shown inline, PDFs opened in the
// browser, Office files downloaded) and, while the slip is open, an upload
// form that a phone's camera can fill. Every rule (who may see, what type,
// how large) is the API's; this file shows its answers.
'use strict';

const Evidence = (() => {
  function slipID() { return decodeURIComponent(location.pathname.split('/')[2] || ''); }

  function size(n) {
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + ' MB';
    if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + ' KB';
    return n + ' 字节';
  }

  /** upload sends one file as multipart/form-data with the CSRF token. */
  async function upload(id, purpose, file) {
    const form = new FormData();
    form.append('file', file, file.name);
    let res;
    try {
      res = await fetch('/api/v1/slips/' + encodeURIComponent(id) + '/evidence?purpose=' + encodeURIComponent(purpose), {
        method: 'POST', credentials: 'same-origin', body: form,
        headers: { Accept: 'application/json', 'X-CSRF-Token': localStorage.getItem(D.CSRF_KEY) || '' },
      });
    } catch (e) {
      throw new Error('上传中断，文件未保存，请检查网络后重试');
    }
    let data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) throw new Error((data && data.error && data.error.message) || '上传失败（HTTP ' + res.status + '）');
    return data;
  }

  function item(f) {
    const meta = D.el('span', { class: 'muted evidence-meta', text: f.purpose_label + ' · ' + size(f.size) + ' · ' + f.uploaded_by + ' · ' + D.fmtTime(f.uploaded_at) });
    const link = D.el('a', { href: f.url, target: '_blank', rel: 'noopener', class: 'evidence-name', text: f.name });
    const li = D.el('li', { class: 'evidence-item', dataset: { id: f.id, type: f.content_type } });
    if (f.inline && f.content_type.startsWith('image/')) {
      li.append(D.el('a', { href: f.url, target: '_blank', rel: 'noopener' },
        D.el('img', { class: 'evidence-thumb', src: f.url, alt: f.name, loading: 'lazy' })));
    }
    li.append(D.el('div', {}, link, ' ', f.inline ? D.el('span', { class: 'badge status', text: '在线查看' }) : D.el('span', { class: 'badge status', text: '下载' })), meta,
      D.el('div', { class: 'muted evidence-hash', text: 'SHA-256 ' + f.sha256 }));
    return li;
  }

  function uploadForm(id, info, reload) {
    const input = D.el('input', { type: 'file', name: 'file', id: 'evidence-file', accept: 'image/*,' + info.accept.join(',') });
    const purpose = D.el('select', { name: 'purpose', id: 'evidence-purpose' },
      D.el('option', { value: 'progress', text: '进展材料' }), D.el('option', { value: 'resolution', text: '办结材料' }));
    const status = D.el('span', { class: 'muted', id: 'evidence-status' });
    const button = D.el('button', { type: 'submit', class: 'primary', id: 'evidence-upload', text: '上传' });
    const form = D.el('form', { class: 'form evidence-form', id: 'evidence-form' },
      D.el('label', {}, '选择文件或拍照', input),
      D.el('label', {}, '用途', purpose),
      D.el('div', { class: 'actions-row' }, button, status),
      D.el('p', { class: 'muted', text: '接受照片、PDF、Word/Excel/PowerPoint，单个文件不超过 ' + info.max_label + '；按文件内容校验类型。' }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const file = input.files && input.files[0];
      if (!file) { D.flash('请先选择文件', 'error'); return; }
      button.disabled = true;
      status.textContent = '正在上传……';
      try {
        await upload(id, purpose.value, file);
        D.flash('已上传：' + file.name);
        await reload();
      } catch (e) {
        D.flash(e.message, 'error');
        status.textContent = '';
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  async function render(host, id, withForm) {
    let info;
    try {
      info = await D.api('GET', '/slips/' + encodeURIComponent(id) + '/evidence');
    } catch (e) {
      host.hidden = true; // the slip page already says why
      return;
    }
    const reload = () => render(host, id, withForm);
    const list = info.items.length
      ? D.el('ul', { class: 'evidence-list', id: 'evidence-list' }, info.items.map(item))
      : D.el('p', { class: 'muted', id: 'evidence-empty', text: '暂无证明材料' });
    const children = [D.el('h2', {}, '证明材料', D.el('span', { class: 'count', text: '（' + info.items.length + '）' })), list];
    const me = await D.me();
    if (withForm && info.open && me && (me.role === 'department' || me.role === 'office')) children.push(uploadForm(id, info, reload));
    host.replaceChildren(...children);
    host.hidden = false;
    host.dataset.loaded = 'true';
  }

  /** printList lists the files in the print view: names, sizes, hashes. */
  async function printList(host, id) {
    let info;
    try { info = await D.api('GET', '/slips/' + encodeURIComponent(id) + '/evidence'); } catch (e) { return; }
    if (!info.items.length) return;
    host.replaceChildren(D.el('h3', { text: '证明材料' }), D.el('ol', { id: 'print-evidence' }, info.items.map((f) =>
      D.el('li', { text: f.name + '（' + f.purpose_label + '，' + size(f.size) + '，SHA-256 ' + f.sha256.slice(0, 16) + '…）' }))));
  }

  document.addEventListener('DOMContentLoaded', () => {
    const page = document.body.dataset.page;
    const host = document.getElementById('evidence-view');
    if (!host) return;
    if (page === 'slip') render(host, slipID(), true);
    if (page === 'print') printList(host, slipID());
  });

  return { upload, render };
})();
