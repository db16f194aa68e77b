// login.js — the 登录 page: POST /api/v1/login, keep the CSRF token for
// later writes, then go to the page asked for or the role's workbench.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  const form = D.$('#login-form');
  const error = D.$('#login-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const submit = D.$('#login-submit');
    submit.disabled = true;
    try {
      const r = await D.api('POST', '/login', {
        login: form.elements.login.value.trim(),
        password: form.elements.password.value,
      }, { noRedirect: true });
      localStorage.setItem(D.CSRF_KEY, r.csrf_token);
      const next = new URLSearchParams(location.search).get('next');
      // Only a path on this site: never follow an absolute or protocol-relative URL.
      const safe = next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\');
      location.assign(safe ? next : (D.homes[r.user.role] || '/'));
    } catch (e) {
      error.textContent = D.errorText(e);
      error.hidden = false;
      submit.disabled = false;
    }
  });
  document.body.dataset.loaded = 'true';
});
