/** The HTML login form the lake serves for Sanity's login protocol (provider url → form → redirect). */

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c] as string)

export function loginPage(options: {action: string; origin: string; email?: string; error?: string}): string {
  const {action, origin, email = '', error} = options
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in – Dispatch local Content Lake</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; background: #f4f4f5; color: #18181b; margin: 0; display: grid; place-items: center; min-height: 100vh; }
  main { background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / .1); width: min(24rem, 90vw); }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .6rem; border: 1px solid #a1a1aa; border-radius: 6px; font: inherit; }
  button { margin-top: 1.25rem; width: 100%; padding: .7rem; border: 0; border-radius: 6px; background: #1d4ed8; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
  .error { background: #fee2e2; color: #991b1b; padding: .5rem .75rem; border-radius: 6px; }
  p.hint { color: #52525b; font-size: .875rem; }
</style>
</head>
<body>
<main>
  <h1>Sign in to Dispatch Studio</h1>
  ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
  <form method="post" action="${escapeHtml(action)}">
    <input type="hidden" name="origin" value="${escapeHtml(origin)}">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
  </form>
  <p class="hint">Accounts live in this machine's local lake. The first one's password is in <code>.lake/first-login.txt</code>; add more with <code>npm run lake -- user add</code>.</p>
</main>
</body>
</html>`
}
