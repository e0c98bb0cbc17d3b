/**
 * The demo's routes, written against the servehttp Handler contract only. They move unchanged
 * onto the core-listener server, ServeMux and gin Engine as those land.
 */
import {
  type Handler,
  type Request,
  type ResponseWriter,
  StatusMethodNotAllowed,
  StatusNotFound,
  statusText,
} from '@servehttp/core-listener';

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>servehttp demo</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 46rem; padding: 0 1rem; color: #1d2433; }
  pre { background: #f3f5f9; padding: 1rem; border-radius: 6px; overflow-x: auto; }
  code { font-family: ui-monospace, monospace; }
</style>
</head>
<body>
<h1>servehttp</h1>
<p>Go's <code>net/http</code> and gin, in TypeScript. One request flows like this:</p>
<pre>
listenAndServe(addr)          core-listener
 └─ serve(listener)           accept loop
     └─ conn.serve()          one task per connection
         ├─ parse             http-parser
         ├─ serverHandler     OPTIONS * / handler
         │   └─ middleware    middleware-kit
         │       └─ ServeMux  servemux  /  Engine  gin-router
         └─ ResponseWriter    Content-Length or chunked, keep-alive
</pre>
<p>Try <a href="/helloworld">/helloworld</a> and <a href="/health">/health</a>.</p>
</body>
</html>
`;

function notFound(w: ResponseWriter): void {
  w.header().set('Content-Type', 'text/plain; charset=utf-8');
  w.header().set('X-Content-Type-Options', 'nosniff');
  w.writeHeader(StatusNotFound);
  w.write('404 page not found\n');
}

/** The demo application as one Handler. */
export const app: Handler = {
  serveHTTP(w: ResponseWriter, r: Request): void {
    const path = r.url.path;
    const route = path === '/' || path === '/helloworld' || path === '/health';
    if (!route) {
      notFound(w);
      return;
    }
    if (r.method !== 'GET' && r.method !== 'HEAD') {
      w.header().set('Allow', 'GET, HEAD');
      w.header().set('Content-Type', 'text/plain; charset=utf-8');
      w.writeHeader(StatusMethodNotAllowed);
      w.write(`${statusText(StatusMethodNotAllowed)}\n`);
      return;
    }
    if (path === '/') {
      w.write(page);
    } else if (path === '/helloworld') {
      w.write('Hello, World!\n');
    } else {
      w.header().set('Content-Type', 'application/json');
      w.write('{"status":"ok"}\n');
    }
  },
};
