// home.js — "/" sends a signed-in user to the workbench of their role and
// anyone else to the login page. Administrators have no slip pages.
'use strict';

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start();
  if (!user) return;
  if (user.role === 'admin') {
    D.$('#home-message').textContent = '管理员不办理交办单。用户、令牌、单位和 webhook 请用命令行 duban user … 或管理接口 /api/v1/users、/api/v1/departments 管理。';
    return;
  }
  location.replace(D.homes[user.role]);
});
