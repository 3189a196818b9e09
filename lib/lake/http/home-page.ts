/**
 * `GET /` on the HTTPS port: what this server is and the one-time step of trusting its local CA, so
 * browsers (and the embedded Studio) accept https://localhost:<port> without warnings.
 */
const escapeHtml = (value: string) => value.replace(/[&<>"]/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'})[c] as string)

export function homePage(options: {httpsOrigin: string; caCertPath: string; projectId: string}): string {
  const ca = escapeHtml(options.caCertPath)
  const origin = escapeHtml(options.httpsOrigin)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dispatch local Content Lake</title>
<style>
  body { font: 16px/1.6 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #18181b; }
  code, pre { background: #f4f4f5; border-radius: 4px; padding: .1rem .3rem; }
  pre { padding: .75rem; overflow-x: auto; }
</style>
</head>
<body>
<main>
<h1>Dispatch local Content Lake</h1>
<p>This server speaks Sanity's HTTP API for project <code>${escapeHtml(options.projectId)}</code>, so the Studio and
<code>@sanity/client</code> work against it unchanged. It serves HTTP/2 over TLS here (the Studio needs HTTP/2) with a
certificate from a certificate authority created on this machine for this lake only.</p>
<h2>One-time step: trust the local CA</h2>
<p>Download it: <a href="/ca.pem" download="dispatch-local-lake-ca.pem">ca.pem</a> (also on disk at <code>${ca}</code>). Then:</p>
<h3>Linux (Chrome, Chromium, Edge)</h3>
<pre>sudo apt-get install libnss3-tools   # provides certutil
certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "Dispatch local lake" -i ${ca}</pre>
<h3>macOS (Safari, Chrome)</h3>
<pre>security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db ${ca}</pre>
<h3>Windows (Edge, Chrome)</h3>
<pre>certutil -addstore -user Root ${ca}</pre>
<h3>Firefox (any system)</h3>
<p>Settings → Privacy &amp; Security → Certificates → View Certificates → Authorities → Import, choose the file and tick
“Trust this CA to identify websites”.</p>
<h3>Node.js scripts</h3>
<pre>NODE_EXTRA_CA_CERTS=${ca} node your-script.js</pre>
<p>Restart the browser afterwards and reload <a href="${origin}/">${origin}</a>: there should be no warning. The CA is
valid only for this machine's lake (its private key never leaves <code>certs/</code> in the lake's data directory);
remove it from the same place to undo.</p>
<h2>Useful addresses</h2>
<ul>
<li><a href="/v2025-02-19/ping">/v2025-02-19/ping</a>: answers PONG</li>
<li>Studio: open the site's <code>/studio</code> and sign in with a local account (<code>npm run lake -- user list</code>).</li>
</ul>
</main>
</body>
</html>`
}
