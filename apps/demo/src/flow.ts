/**
 * The request-flow recorder: turns what the server and middleware-kit's `trace` observe into one
 * waterfall per request and streams it to browsers over Server-Sent Events.
 *
 * Design: the server has no per-request timing hook, so the stages are stitched from what exists.
 *
 * | stage | observed by |
 * |---|---|
 * | accept | `Server.connContext` (called right after `accept`): a {@link ConnRecord} goes into the connection's Context, which every request context derives from |
 * | read + parse | `Server.connState` → `active`, which the server reports once the request head is parsed (first request, or the first after an idle spell) |
 * | serverHandler | from `active` to the moment `trace()` — the outermost middleware — is entered |
 * | each middleware, in and out | `traced(name, mw)` spans (nested; in = until the next span starts, out = after it ends) |
 * | routing | the router's span (`tracedHandler('servemux' / 'gin', …)`) up to the handler's span |
 * | handler | `startSpan(r, 'handler')` in the route handlers, `sqlite` spans inside |
 * | write | from the end of the trace to `connState` → `idle`/`closed`, which the server reports after the batch's bytes were handed to the socket |
 *
 * A finished trace waits on its {@link ConnRecord} until that `idle`/`closed` arrives (or 1 s,
 * for a connection that never goes idle), then becomes a {@link FlowEvent}. Over HTTP/2 it is
 * sent at once, without `write`: a connection is idle only once all its streams are done, and
 * the browser's own `/events` stream shares the connection, which had held every flow for 1 s. Times are
 * `performance.now()` milliseconds, sent relative to the request's first observed instant.
 * Pipelined requests share one `active` and one write (the server answers a batch in one write),
 * which the waterfall shows as it is.
 *
 * Example: a fresh `GET /health` → stages `accept` (0), `read+parse` (0 → 0.21),
 * `serverHandler` (0.21 → 0.25), `recovery` (0.25 → 0.61) ⊃ `request-id` ⊃ … ⊃ `servemux`
 * (0.40 → 0.55) with `routing` (0.40 → 0.43) and `handler` (0.43 → 0.53), `write` (0.62 → 0.70).
 */
import {
  type Conn,
  type ConnState,
  type Context,
  type ContextKey,
  createKey,
  type Handler,
  type Request,
  ResponseController,
  type ResponseWriter,
} from '@servehttp/core-listener';
import { peekRequestID } from '@servehttp/middleware-kit/request-id';
import { type Trace, traceKey } from '@servehttp/middleware-kit/server-timing';

/** What the recorder knows about one connection. */
export interface ConnRecord {
  /** Sequence number, from 1. */
  readonly id: number;
  /** The peer's address. */
  readonly remote: string;
  /** `performance.now()` at accept. */
  readonly acceptedAt: number;
  /** When the server last reported `active` (a request head parsed after new/idle). */
  activeAt: number;
  /** How many `active` reports so far; a request consumes one when it is the first of a batch. */
  activeSeq: number;
  /** The `activeSeq` the previous request consumed. */
  usedSeq: number;
  /** When the server last reported `idle`. */
  idleAt: number;
  /** Requests started on this connection. */
  requests: number;
  /** Finished traces waiting for their write to complete. */
  pending: Pending[];
  /** Fallback timer publishing `pending` when no idle/closed comes. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Pending {
  event: FlowEvent;
  traceEnd: number;
  origin: number;
}

/** One stage of a waterfall; times in ms from the request's first observed instant. */
export interface Stage {
  /** Short name (`accept`, `logger`, `routing`, `handler`, …). */
  name: string;
  /** What kind of stage: colour and legend on the page. */
  kind: 'conn' | 'server' | 'middleware' | 'router' | 'routing' | 'handler' | 'db' | 'write';
  /** One line saying what happened. */
  label: string;
  /** Start, ms. */
  start: number;
  /** End, ms (equal to `start` for an instant). */
  end: number;
  /** Nesting depth: how many stages contain this one. */
  depth: number;
}

/** One request's waterfall, as streamed to the page. */
export interface FlowEvent {
  /** Sequence number, from 1. */
  id: number;
  /** Epoch ms when the request reached `trace()`. */
  at: number;
  /** Request method. */
  method: string;
  /** Request-target as sent. */
  uri: string;
  /** Final status. */
  status: number;
  /** Body bytes written by the handler (before compression). */
  bytes: number;
  /** The ServeMux pattern that matched, `''` for none. */
  pattern: string;
  /** The gin route that matched (`c.fullPath()`), `''` when gin did not route it. */
  route: string;
  /** `X-Request-Id`. */
  requestId: string;
  /** The client address after `realIP`. */
  clientIP: string;
  /** Connection facts. */
  conn: { id: number; request: number; remote: string };
  /** Time to the first byte (header written), ms from the origin; -1 if none. */
  ttfb: number;
  /** The whole observed time, ms. */
  total: number;
  /** The stages, in the order they began. */
  stages: Stage[];
}

/** Facts a handler or router adds to the current request's flow. */
export interface FlowNote {
  /** The ServeMux pattern that matched (`r.pattern`). */
  pattern?: string;
  /** The gin route that matched, as `METHOD fullPath`. */
  route?: string;
}

interface Extra {
  conn: ConnRecord | undefined;
  origin: number;
  first: boolean;
  active: number;
  idleBefore: number;
  pattern: string;
  route: string;
  requestId: string;
  clientIP: string;
  // HTTP/2: the connection goes idle only when all its streams are done, and the page's own
  // event stream is one of them; so there is no "written" moment to wait for.
  h2: boolean;
}

/** The context key under which a connection's {@link ConnRecord} lives. */
export const connRecordKey: ContextKey<ConnRecord> = createKey<ConnRecord>('demo.conn');

// Span names that are routers; everything traced that is not a router, handler or db span is
// middleware.
const routers = new Set(['servemux', 'gin']);
const historySize = 40;
const maxPendingWrites = 64;

interface Client {
  w: ResponseWriter;
  rc: ResponseController;
  inFlight: number;
  close: () => void;
}

/**
 * Records flows and serves them at `/events`. One per server: give `connContext` and `connState`
 * to the `Server`, `sink` to `trace()`, `begin` (as middleware right inside `trace()`) and
 * `events` to the mux.
 */
export class FlowRecorder {
  readonly #conns = new WeakMap<Conn, ConnRecord>();
  readonly #extra = new WeakMap<Trace, Extra>();
  readonly #clients = new Set<Client>();
  readonly #history: string[] = [];
  readonly #skip: (uri: string) => boolean;
  #nextConn = 1;
  #nextEvent = 1;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  /** @param skip requests whose flows are not published (the event stream itself). */
  constructor(skip: (uri: string) => boolean = (uri) => uri.startsWith('/events')) {
    this.#skip = skip;
  }

  /** `Server.connContext`: stamps the accept. */
  readonly connContext = (ctx: Context, conn: Conn): Context => {
    const now = performance.now();
    const rec: ConnRecord = {
      id: this.#nextConn++,
      remote: String(conn.remoteAddr),
      acceptedAt: now,
      activeAt: now,
      activeSeq: 0,
      usedSeq: 0,
      idleAt: now,
      requests: 0,
      pending: [],
      timer: undefined,
    };
    this.#conns.set(conn, rec);
    return ctx.withValue(connRecordKey, rec);
  };

  /** `Server.connState`: stamps head-parsed (`active`) and written (`idle`, `closed`). */
  readonly connState = (conn: Conn, state: ConnState): void => {
    const rec = this.#conns.get(conn);
    if (rec === undefined) return;
    const now = performance.now();
    if (state === 'active') {
      rec.activeAt = now;
      rec.activeSeq++;
    } else if (state === 'idle' || state === 'closed' || state === 'hijacked') {
      rec.idleAt = now;
      this.#publishPending(rec, now);
    }
  };

  /** Middleware to put right inside `trace()`: ties the trace to its connection. */
  readonly begin = (next: Handler): Handler => ({
    serveHTTP: (w: ResponseWriter, r: Request): void | Promise<void> => {
      const t = r.context().value(traceKey);
      if (t !== undefined) {
        const rec = r.context().value(connRecordKey);
        const traceStart = t.origin;
        let origin = traceStart;
        let first = false;
        let active = traceStart;
        let idleBefore = 0;
        if (rec !== undefined) {
          rec.requests++;
          first = rec.requests === 1;
          if (rec.activeSeq !== rec.usedSeq) {
            // This request's head is the one whose parse the server reported.
            rec.usedSeq = rec.activeSeq;
            active = rec.activeAt;
            if (first) origin = rec.acceptedAt;
            else {
              origin = rec.activeAt;
              idleBefore = rec.activeAt - rec.idleAt;
            }
          }
        }
        this.#extra.set(t, {
          conn: rec,
          origin,
          first,
          active,
          idleBefore,
          pattern: '',
          route: '',
          requestId: '',
          clientIP: '',
          h2: r.protoMajor === 2,
        });
      }
      return next.serveHTTP(w, r);
    },
  });

  /** Middleware to put right before the router: records the request id and client address. */
  readonly who = (next: Handler): Handler => ({
    serveHTTP: (w: ResponseWriter, r: Request): void | Promise<void> => {
      const t = r.context().value(traceKey);
      const x = t === undefined ? undefined : this.#extra.get(t);
      if (x !== undefined) {
        x.requestId = peekRequestID(r);
        x.clientIP = r.remoteAddr;
      }
      return next.serveHTTP(w, r);
    },
  });

  /** Adds routing facts to the current request's flow (no-op when untraced). */
  note(r: Request, n: FlowNote): void {
    const t = r.context().value(traceKey);
    const x = t === undefined ? undefined : this.#extra.get(t);
    if (x === undefined) return;
    if (n.pattern !== undefined) x.pattern = n.pattern;
    if (n.route !== undefined) x.route = n.route;
  }

  /** The sink for `trace()`. */
  readonly sink = (t: Trace): void => {
    if (this.#skip(t.uri)) return;
    const now = performance.now();
    const traceStart = t.origin;
    const x = this.#extra.get(t);
    const origin = x?.origin ?? traceStart;
    const rel = (ms: number): number => ms - origin;
    const stages: Stage[] = [];
    if (x !== undefined) {
      const rec = x.conn;
      if (rec !== undefined && x.first) {
        stages.push(
          stage('accept', 'conn', `accept: connection #${rec.id} from ${rec.remote}`, 0, 0),
        );
      }
      if (x.active !== traceStart) {
        const label = x.first
          ? 'read + parse the request head (from accept: includes waiting for the client)'
          : `read + parse the request head (connection reused after ${fmt(x.idleBefore)} idle)`;
        stages.push(stage('read+parse', 'conn', label, 0, rel(x.active)));
      } else {
        stages.push(
          stage(
            'read+parse',
            'conn',
            'parsed from the same read as the previous request (pipelined)',
            0,
            0,
          ),
        );
      }
      stages.push(
        stage(
          'serverHandler',
          'server',
          'serverHandler: Request built, OPTIONS * checked, srv.handler called',
          rel(x.active),
          rel(traceStart),
        ),
      );
    }
    const spans = t.spans;
    const firstSpan = spans[0];
    if (firstSpan !== undefined && firstSpan.start > 0) {
      // trace() itself and the recorder's own middleware: the clock starts, the writer is wrapped.
      stages.push(
        stage(
          'trace',
          'middleware',
          'trace: starts the clock, wraps the writer, puts the trace in the context',
          rel(traceStart),
          rel(traceStart + firstSpan.start),
        ),
      );
    }
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i];
      if (s === undefined) continue;
      const start = rel(traceStart + s.start);
      const end = s.dur >= 0 ? start + s.dur : rel(now);
      const kind = routers.has(s.name)
        ? 'router'
        : s.name === 'handler'
          ? 'handler'
          : s.name === 'sqlite'
            ? 'db'
            : 'middleware';
      stages.push(stage(s.name, kind, describe(s.name, kind, x), start, end));
      if (kind === 'router') {
        // Routing is the router's own time before it calls what it found.
        const child = spans[i + 1];
        const childStart =
          child !== undefined &&
          child.start >= s.start &&
          (s.dur < 0 || child.start <= s.start + s.dur)
            ? rel(traceStart + child.start)
            : end;
        stages.push(
          stage('routing', 'routing', routingLabel(s.name, t.status, x), start, childStart),
        );
      }
    }
    depths(stages);
    const event: FlowEvent = {
      id: this.#nextEvent++,
      at: t.startedAt,
      method: t.method,
      uri: t.uri,
      status: t.status,
      bytes: t.bytes,
      pattern: x?.pattern ?? '',
      route: x?.route ?? '',
      requestId: x?.requestId ?? '',
      clientIP: x?.clientIP ?? '',
      conn: {
        id: x?.conn?.id ?? 0,
        request: x?.conn?.requests ?? 0,
        remote: x?.conn?.remote ?? '',
      },
      ttfb: t.ttfb >= 0 ? round(rel(traceStart + t.ttfb)) : -1,
      total: round(rel(now)),
      stages,
    };
    const rec = x?.conn;
    if (rec === undefined || x?.h2 === true) {
      this.#publish(event);
      return;
    }
    rec.pending.push({ event, traceEnd: rel(now), origin });
    // A connection that is not going idle soon (a hijack, a stuck write) still gets its flows out.
    rec.timer ??= setTimeout(() => this.#publishPending(rec, -1), 1000);
    (rec.timer as { unref?: () => void }).unref?.();
  };

  #publishPending(rec: ConnRecord, writtenAt: number): void {
    if (rec.timer !== undefined) {
      clearTimeout(rec.timer);
      rec.timer = undefined;
    }
    const list = rec.pending;
    if (list.length === 0) return;
    rec.pending = [];
    for (const p of list) {
      const ev = p.event;
      if (writtenAt >= 0) {
        const end = writtenAt - p.origin;
        ev.stages.push(
          stage(
            'write',
            'write',
            'write: the response handed to the socket (one write per batch)',
            p.traceEnd,
            end,
          ),
        );
        ev.total = round(end);
      }
      this.#publish(ev);
    }
  }

  #publish(ev: FlowEvent): void {
    const msg = `id: ${ev.id}\nevent: flow\ndata: ${JSON.stringify(ev)}\n\n`;
    this.#history.push(msg);
    if (this.#history.length > historySize) this.#history.shift();
    for (const c of this.#clients) this.#send(c, msg);
  }

  #send(c: Client, msg: string): void {
    if (c.inFlight > maxPendingWrites) {
      // A reader this far behind is gone or stuck: drop it rather than buffer without bound.
      c.close();
      return;
    }
    const p = c.w.write(msg);
    const f = c.rc.flush();
    if (p instanceof Promise || f instanceof Promise) {
      c.inFlight++;
      void Promise.all([p, f]).then(
        () => {
          c.inFlight--;
        },
        () => c.close(),
      );
    }
  }

  /** How many browsers are listening. */
  get listeners(): number {
    return this.#clients.size;
  }

  /** The `GET /events` handler: the recent history, then every new flow, until the client leaves. */
  readonly events = (w: ResponseWriter, r: Request): Promise<void> => {
    const h = w.header();
    h.set('Content-Type', 'text/event-stream');
    h.set('Cache-Control', 'no-cache');
    // nginx buffers proxied responses unless told not to (ngx_http_proxy_module).
    h.set('X-Accel-Buffering', 'no');
    w.writeHeader(200);
    // A HEAD gets the header only; waiting for it to leave would hold it until it timed out.
    if (r.method === 'HEAD') return Promise.resolve();
    const rc = new ResponseController(w);
    return new Promise<void>((resolve) => {
      const signal = r.context().signal;
      const client: Client = {
        w,
        rc,
        inFlight: 0,
        close: () => {
          this.#clients.delete(client);
          signal.removeEventListener('abort', client.close);
          if (this.#clients.size === 0 && this.#heartbeat !== undefined) {
            clearInterval(this.#heartbeat);
            this.#heartbeat = undefined;
          }
          resolve();
        },
      };
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', client.close);
      this.#clients.add(client);
      this.#send(
        client,
        `retry: 2000\n: flows of the last ${this.#history.length} requests follow\n\n`,
      );
      for (const m of this.#history) this.#send(client, m);
      // A comment line every 15 s keeps proxies from timing the stream out.
      this.#heartbeat ??= setInterval(() => {
        for (const c of this.#clients) this.#send(c, ': ping\n\n');
      }, 15_000);
      (this.#heartbeat as { unref?: () => void }).unref?.();
    });
  };

  /** Ends every event stream (register with `Server.registerOnShutdown`, so a drain can finish). */
  closeAll(): void {
    for (const c of [...this.#clients]) c.close();
  }
}

function stage(
  name: string,
  kind: Stage['kind'],
  label: string,
  start: number,
  end: number,
): Stage {
  return { name, kind, label, start: round(start), end: round(Math.max(start, end)), depth: 0 };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`;
}

// Depth = how many earlier stages enclose this one; the conn/server stages are top level.
function depths(stages: Stage[]): void {
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i] as Stage;
    if (s.kind === 'conn' || s.kind === 'server' || s.kind === 'write') continue;
    let d = 0;
    for (let j = 0; j < i; j++) {
      const o = stages[j] as Stage;
      if (o.kind === 'conn' || o.kind === 'server' || o.kind === 'routing') continue;
      if (o.start <= s.start && o.end >= s.end) d++;
    }
    s.depth = d;
  }
}

const middlewareText: Record<string, string> = {
  recovery: 'recovery: catches a throw, logs it and answers 500',
  'request-id': 'requestID: reads or makes X-Request-Id',
  'real-ip': 'realIP: client address from trusted proxy headers',
  logger: 'logger: one access-log line on the way out',
  cors: 'cors: preflights answered here; Vary and Allow-Origin set',
  'secure-headers': 'secureHeaders: nosniff, frame options, CSP…',
  compress: 'compress: gzip/br by Accept-Encoding, on the way out',
  'api-errors': 'apiErrors: plain-text errors under /api/ become JSON',
  'rate-limit': 'rateLimit: a token per client, 429 when empty',
  'body-limit': 'bodyLimit: 413 past the size limit',
  jwt: 'jwt: verifies the bearer token (gin route middleware)',
  'login-limit': 'rateLimit on login: 5 tries a minute per client',
};

function describe(name: string, kind: Stage['kind'], x: Extra | undefined): string {
  if (kind === 'middleware') return middlewareText[name] ?? name;
  if (name === 'servemux') return 'ServeMux.serveHTTP';
  if (name === 'gin') return 'gin Engine.serveHTTP (mounted at /api/)';
  if (name === 'handler')
    return `handler${x?.route ? ` for ${x.route}` : x?.pattern ? ` for "${x.pattern}"` : ''}`;
  if (name === 'sqlite') return 'bun:sqlite prepared statement';
  return name;
}

function routingLabel(router: string, status: number, x: Extra | undefined): string {
  if (router === 'servemux') {
    const p = x?.pattern ?? '';
    if (p !== '') return `ServeMux matched "${p}"`;
    return status === 405
      ? 'ServeMux: path matched, method did not → 405'
      : 'ServeMux: no pattern matched → 404';
  }
  const route = x?.route ?? '';
  if (route !== '') return `gin tree matched ${route}`;
  return status === 405 ? 'gin tree: no route for this method → 405' : 'gin tree: no route → 404';
}
