// servehttp demo: the request-flow page. Plain JavaScript, no build step.
//
// The server streams one `flow` event per finished request over SSE (/events); each is drawn as
// a waterfall. Stages carry start/end in ms from the request's first observed instant and a
// nesting depth; a middleware's bar is split into the part before the stage it wraps (on the way
// in) and the part after it (on the way out).

const maxFlows = 40;
const $ = (id) => document.getElementById(id);
const list = $('flows');
const hideStatic = $('hide-static');
let shown = 0;
let autoOpened = null;

function fmt(ms) {
  if (ms < 1) return `${Math.max(0, Math.round(ms * 1000))} µs`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  if (ms < 10000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function isAsset(ev) {
  return ev.uri === '/' || ev.uri.startsWith('/static/') || ev.uri === '/favicon.ico';
}

// A middleware's direct child: the next stage one level deeper inside it (routing rows are
// annotations of their router, not children).
function childOf(stages, i) {
  const s = stages[i];
  for (let j = i + 1; j < stages.length; j++) {
    const c = stages[j];
    if (c.kind === 'routing' || c.kind === 'write' || c.kind === 'conn' || c.kind === 'server')
      continue;
    if (c.depth === s.depth + 1 && c.start >= s.start && c.end <= s.end) return c;
  }
  return null;
}

function ticks(total) {
  const box = el('div', 'ticks');
  const steps = [
    0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000,
  ];
  const step = steps.find((s) => total / s <= 6) ?? total / 5;
  for (let t = 0; t <= total + 1e-9; t += step) {
    const s = el('span', '', t === 0 ? '0' : fmt(t));
    s.style.left = `${(t / total) * 100}%`;
    box.append(s);
  }
  return box;
}

function bar(kind, start, end, total, extra) {
  const b = el('div', `bar k-${kind}${extra ? ` ${extra}` : ''}`);
  b.style.left = `${(start / total) * 100}%`;
  if (end > start) b.style.width = `${((end - start) / total) * 100}%`;
  else b.classList.add('instant');
  return b;
}

function waterfall(ev) {
  const stages = ev.stages;
  let total = ev.total;
  for (const s of stages) total = Math.max(total, s.end);
  if (!(total > 0)) total = 0.001;
  const wf = el('div', 'wf');
  const axis = el('div', 'axis');
  axis.append(el('div', '', 'stage'), ticks(total), el('div', '', ''));
  wf.append(axis);
  stages.forEach((s, i) => {
    const row = el('div', 'row');
    row.dataset.kind = s.kind;
    row.dataset.stage = s.name;
    const name = el('div', 'name');
    name.style.paddingLeft = `${s.depth * 0.7}rem`;
    name.append(el('span', '', s.name));
    const label = s.label.includes(':') ? s.label.slice(s.label.indexOf(':') + 1).trim() : s.label;
    if (label !== s.name) name.append(el('small', '', label));
    const track = el('div', 'track');
    track.title = `${s.label}\n${fmt(s.start)} → ${fmt(s.end)} (${fmt(s.end - s.start)})`;
    const child = s.kind === 'middleware' || s.kind === 'router' ? childOf(stages, i) : null;
    if (child) {
      track.append(bar(s.kind, s.start, s.end, total, 'span'));
      track.append(bar(s.kind, s.start, child.start, total, 'in'));
      track.append(bar(s.kind, child.end, s.end, total, 'out'));
    } else {
      track.append(bar(s.kind, s.start, s.end, total));
    }
    if (ev.ttfb >= 0) {
      const t = el('div', 'ttfb');
      t.style.left = `${(ev.ttfb / total) * 100}%`;
      track.append(t);
    }
    const dur = el('div', 'dur', s.end > s.start ? fmt(s.end - s.start) : '·');
    if (child) dur.title = `in ${fmt(child.start - s.start)}, out ${fmt(s.end - child.end)}`;
    row.append(name, track, dur);
    wf.append(row);
  });
  return wf;
}

function statusClass(status) {
  return `s${String(status)[0]}`;
}

function render(ev) {
  const li = el('li');
  const d = el('details', 'flow');
  d.dataset.id = String(ev.id);
  d.dataset.status = String(ev.status);
  d.dataset.uri = ev.uri;
  const sum = el('summary');
  sum.append(
    el('span', `status ${statusClass(ev.status)}`, String(ev.status)),
    el('span', 'method mono', ev.method),
    el('span', 'uri mono', ev.uri),
    el('span', 'match mono', ev.route || ev.pattern || '—'),
    el('span', 'total', fmt(ev.total)),
  );
  d.append(sum);
  const meta = el('div', 'meta');
  const fact = (k, v) => {
    const s = el('span', '', `${k} `);
    s.append(el('b', 'mono', v));
    meta.append(s);
  };
  if (ev.pattern) fact('ServeMux pattern', ev.pattern);
  if (ev.route) fact('gin route', ev.route);
  if (ev.requestId) fact('X-Request-Id', ev.requestId);
  fact('client', ev.clientIP || ev.conn.remote);
  fact('connection', `#${ev.conn.id}, request ${ev.conn.request}`);
  fact('body', `${ev.bytes} B`);
  if (ev.ttfb >= 0) fact('TTFB', fmt(ev.ttfb));
  d.append(meta, waterfall(ev));
  d.append(
    el(
      'p',
      'note',
      'Hover a bar for exact times. Middleware bars are solid on the way in and on the way out; the faint part is the time spent below them.',
    ),
  );
  d.addEventListener('toggle', () => {
    if (autoOpened === d && !d.open) autoOpened = null;
  });
  li.append(d);
  return li;
}

function add(ev) {
  if (hideStatic.checked && isAsset(ev)) return;
  const li = render(ev);
  const d = li.firstChild;
  if (autoOpened?.open) autoOpened.open = false;
  d.open = true;
  autoOpened = d;
  list.prepend(li);
  shown++;
  while (list.children.length > maxFlows) list.lastChild.remove();
  $('empty').hidden = true;
  $('count').textContent = `(${shown})`;
}

function connect() {
  const live = $('live');
  const es = new EventSource('/events');
  es.addEventListener('open', () => {
    live.dataset.state = 'open';
    $('live-text').textContent = 'live';
  });
  es.addEventListener('error', () => {
    live.dataset.state = 'error';
    $('live-text').textContent = 'reconnecting…';
  });
  es.addEventListener('flow', (m) => {
    try {
      add(JSON.parse(m.data));
    } catch (err) {
      console.error('bad flow event', err);
    }
  });
}

// ── sample requests ────────────────────────────────────────────────────────────────────────

let token = sessionStorage.getItem('demo-token') || '';

async function login() {
  if (token) return token;
  const res = await fetch('/api/v1/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'gopher', password: 'demo' }),
  });
  if (!res.ok) throw new Error(`login: ${res.status}`);
  token = (await res.json()).token;
  sessionStorage.setItem('demo-token', token);
  return token;
}

const json = { 'Content-Type': 'application/json' };
const samples = {
  hello: () => fetch('/helloworld'),
  posts: () => fetch('/api/v1/posts?limit=5'),
  create: async () => {
    const t = await login();
    const res = await fetch('/api/v1/posts', {
      method: 'POST',
      headers: { ...json, Authorization: `Bearer ${t}` },
      body: JSON.stringify({
        title: `Hello at ${new Date().toLocaleTimeString()}`,
        body: 'Posted from the flow page.',
      }),
    });
    if (res.status === 401) {
      token = '';
      sessionStorage.removeItem('demo-token');
    }
    return res;
  },
  notfound: () => fetch('/nope'),
  method: () => fetch('/api/v1/posts', { method: 'PUT' }),
  panic: () => fetch('/demo/panic'),
  slow: () => fetch('/api/v1/slow?ms=600'),
  preflight: () => fetch('/demo/preflight', { method: 'POST' }),
  badjson: async () => {
    const t = await login();
    return fetch('/api/v1/posts', {
      method: 'POST',
      headers: { ...json, Authorization: `Bearer ${t}` },
      body: '{"title": "oops",',
    });
  },
  noauth: () => fetch('/api/v1/me'),
  ratelimit: async () => {
    let res;
    for (let i = 0; i < 12; i++) {
      res = await fetch('/api/v1/login', {
        method: 'POST',
        headers: json,
        body: '{"name":"gopher","password":"wrong"}',
      });
      if (res.status === 429) break;
    }
    return res;
  },
};

async function fire(name, button) {
  const out = $('result');
  button.disabled = true;
  const t0 = performance.now();
  try {
    const res = await samples[name]();
    const ms = performance.now() - t0;
    const body = (await res.text()).trim();
    out.textContent = '';
    out.append(
      el('span', 'mono', `${res.status} ${res.statusText || ''}`.trim()),
      ` in ${fmt(ms)} `,
    );
    if (body) out.append(el('div', 'mono', body.length > 160 ? `${body.slice(0, 160)}…` : body));
  } catch (err) {
    out.textContent = `failed: ${err}`;
  } finally {
    button.disabled = false;
  }
}

for (const b of document.querySelectorAll('[data-sample]')) {
  b.addEventListener('click', () => void fire(b.dataset.sample, b));
}
connect();
