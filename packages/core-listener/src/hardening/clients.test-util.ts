/**
 * Real HTTP/1.1 clients, as scripts for their own runtimes: Python's `http.client`, Go's
 * `net/http` client and Node's `http` client. Each runs one keep-alive conversation with the
 * server under test and prints one JSON object of what it saw, so `clients.test.ts` can hold
 * every client to the same expectations.
 *
 * The conversation: `GET /hello` three times (reused connection?), `POST /echo` with a known
 * length and again chunked (the server answers `<length> <sha256>` of what it read), `GET
 * /stream` (flushed three times: chunked), `HEAD /hello`, `GET /big` (1 MiB).
 */
/** What every client reports. */
export interface ClientReport {
  hello: string[];
  /** Whether the three GETs and the rest went over one connection. */
  reused: boolean;
  echoLength: string;
  echoChunked: string;
  /** Go only: `Expect: 100-continue` was answered with a 100 before the body went. */
  got100?: boolean;
  streamTE: string;
  stream: string;
  head: [status: number, contentLength: string, bodyLength: number];
  big: number;
}

/** Python 3 `http.client`: `python3 - HOST PORT BODYFILE`. */
export const pythonClient = `
import hashlib, http.client, json, sys
host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(path, 'rb').read()
c = http.client.HTTPConnection(host, port, timeout=10)
out = {'hello': []}
ports = set()
def req(method, target, **kw):
    c.request(method, target, **kw)
    r = c.getresponse()
    body = r.read()
    ports.add(c.sock.getsockname()[1] if c.sock else -1)
    return r, body
for _ in range(3):
    out['hello'].append(req('GET', '/hello')[1].decode())
out['echoLength'] = req('POST', '/echo', body=data)[1].decode()
def pieces():
    for i in range(0, len(data), 65536):
        yield data[i:i + 65536]
out['echoChunked'] = req('POST', '/echo', body=pieces(), encode_chunked=True)[1].decode()
r, body = req('GET', '/stream')
out['streamTE'] = r.getheader('Transfer-Encoding') or ''
out['stream'] = body.decode()
r, body = req('HEAD', '/hello')
out['head'] = [r.status, r.getheader('Content-Length') or '', len(body)]
out['big'] = len(req('GET', '/big')[1])
out['reused'] = len(ports) == 1
c.close()
print(json.dumps(out))
`;

/** Go `net/http` client: `go run client.go BASEURL BODYFILE`. */
export const goClient = `package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"time"
)

func main() {
	base := os.Args[1]
	data, err := os.ReadFile(os.Args[2])
	if err != nil {
		panic(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 1, ExpectContinueTimeout: 5 * time.Second, DisableCompression: true}
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	out := map[string]any{}
	conns := 0
	do := func(method, path string, body io.Reader, expect bool) (*http.Response, []byte) {
		req, err := http.NewRequest(method, base+path, body)
		if err != nil {
			panic(err)
		}
		if expect {
			req.Header.Set("Expect", "100-continue")
		}
		trace := &httptrace.ClientTrace{
			GotConn:        func(i httptrace.GotConnInfo) { if !i.Reused { conns++ } },
			Got100Continue: func() { out["got100"] = true },
		}
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		res, err := c.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return res, b
	}
	hello := []string{}
	for i := 0; i < 3; i++ {
		_, b := do("GET", "/hello", nil, false)
		hello = append(hello, string(b))
	}
	out["hello"] = hello
	_, b := do("POST", "/echo", bytes.NewReader(data), true)
	out["echoLength"] = string(b)
	// A reader of unknown length: the client sends it chunked.
	_, b = do("POST", "/echo", struct{ io.Reader }{bytes.NewReader(data)}, false)
	out["echoChunked"] = string(b)
	res, b := do("GET", "/stream", nil, false)
	te := ""
	if len(res.TransferEncoding) > 0 {
		te = res.TransferEncoding[0]
	}
	out["streamTE"] = te
	out["stream"] = string(b)
	res, b = do("HEAD", "/hello", nil, false)
	out["head"] = []any{res.StatusCode, res.Header.Get("Content-Length"), len(b)}
	_, b = do("GET", "/big", nil, false)
	out["big"] = len(b)
	out["reused"] = conns == 1
	if _, ok := out["got100"]; !ok {
		out["got100"] = false
	}
	j, _ := json.Marshal(out)
	fmt.Println(string(j))
}
`;

/** Node's `http` client with a keep-alive agent: `node --input-type=module - PORT BODYFILE`. */
export const nodeClient = `
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
const [port, file] = process.argv.slice(2);
const data = readFileSync(file);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const ports = new Set();
function go(method, path, send, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), method, path, agent, headers }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ res, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('socket', (s) => s.once('connect', () => ports.add(s.localPort)));
    req.on('error', reject);
    send(req);
  });
}
const out = { hello: [] };
for (let i = 0; i < 3; i++) out.hello.push((await go('GET', '/hello', (r) => r.end())).body.toString());
out.echoLength = (await go('POST', '/echo', (r) => r.on('continue', () => r.end(data)),
  { Expect: '100-continue', 'Content-Length': data.length })).body.toString();
out.echoChunked = (await go('POST', '/echo', (r) => {
  for (let i = 0; i < data.length; i += 65536) r.write(data.subarray(i, i + 65536));
  r.end();
})).body.toString();
const s = await go('GET', '/stream', (r) => r.end());
out.streamTE = s.res.headers['transfer-encoding'] ?? '';
out.stream = s.body.toString();
const h = await go('HEAD', '/hello', (r) => r.end());
out.head = [h.res.statusCode, h.res.headers['content-length'] ?? '', h.body.length];
out.big = (await go('GET', '/big', (r) => r.end())).body.length;
out.reused = ports.size === 1;
agent.destroy();
console.log(JSON.stringify(out));
`;
