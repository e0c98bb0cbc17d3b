/**
 * The demo application: a ServeMux with the seeds' routes, wrapped in middleware-kit's usual
 * stack, served by core-listener's Server. gin-router joins under /api/ as it lands.
 */
import type { Handler, Request, ResponseWriter } from '@servehttp/core-listener';
import { chain } from '@servehttp/middleware-kit';
import { logger } from '@servehttp/middleware-kit/logger';
import { recovery } from '@servehttp/middleware-kit/recovery';
import { requestID } from '@servehttp/middleware-kit/request-id';
import { secureHeaders } from '@servehttp/middleware-kit/secure-headers';
import { ServeMux } from '@servehttp/servemux';

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
         │   └─ middleware    middleware-kit: recovery ▸ requestID ▸ logger ▸ secureHeaders
         │       └─ ServeMux  servemux  /  Engine  gin-router
         └─ ResponseWriter    Content-Length or chunked, keep-alive
</pre>
<p>Try <a href="/helloworld">/helloworld</a>, <a href="/health">/health</a> and
<a href="/hello/gopher">/hello/{name}</a>.</p>
</body>
</html>
`;

/** Options for {@link createApp}. */
export interface AppOptions {
  /** Where access log lines go; default standard output. */
  log?: (line: string) => void;
}

/** Builds the demo's handler: routes on a ServeMux inside the middleware stack. */
export function createApp(options: AppOptions = {}): Handler {
  const mux = new ServeMux();
  mux.handleFunc('GET /{$}', (w: ResponseWriter) => {
    w.header().set('Content-Type', 'text/html; charset=utf-8');
    void w.write(page);
  });
  mux.handleFunc('GET /helloworld', (w: ResponseWriter) => void w.write('Hello, World!\n'));
  mux.handleFunc('GET /health', (w: ResponseWriter) => {
    w.header().set('Content-Type', 'application/json');
    void w.write('{"status":"ok"}\n');
  });
  mux.handleFunc('GET /hello/{name}', (w: ResponseWriter, r: Request) => {
    void w.write(`Hello, ${r.pathValue('name')}!\n`);
  });
  const log = options.log ?? ((line: string) => console.log(line));
  return chain(
    mux,
    recovery(),
    requestID(),
    logger({ sink: (line) => log(line) }),
    secureHeaders(),
  );
}
