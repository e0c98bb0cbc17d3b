import { describe, expect, test } from 'bun:test';
import { caught } from './caught.test-util.ts';
import { ErrNotSupported, HTTPError } from './errors.ts';
import { type Handler, type HandlerFunc, handlerFunc, isHandler, toHandler } from './handler.ts';
import { Header } from './header.ts';
import { newRequest, ResponseRecorder } from './httptest.ts';
import type { Request } from './request.ts';
import { type HijackedConn, ResponseController, type ResponseWriter } from './response.ts';

class ObjectHandler implements Handler {
  calls = 0;
  serveHTTP(w: ResponseWriter, _r: Request): void {
    this.calls++;
    void w.write('object');
  }
}

const fn: HandlerFunc = (w) => {
  void w.write('function');
};

// What isHandler and toHandler accept: Go's Handler (any type with ServeHTTP) and HandlerFunc.
const handlers: readonly (readonly [name: string, value: unknown])[] = [
  ['an arrow function', fn],
  ['an async function', async () => {}],
  ['a function declaration', function named() {}],
  ['a class instance', new ObjectHandler()],
  ['a plain object with serveHTTP', { serveHTTP: () => {} }],
  ['an object with an async serveHTTP', { serveHTTP: async () => {} }],
  ['an object without a prototype', Object.assign(Object.create(null), { serveHTTP: () => {} })],
  // Odd but consistent: a class is a function, so it passes (calling it without `new` throws).
  ['a class', ObjectHandler],
];

const nonHandlers: readonly (readonly [name: string, value: unknown, got: string])[] = [
  ['null', null, 'got null'],
  ['undefined', undefined, 'got undefined undefined'],
  ['a number', 42, 'got number 42'],
  ['a boolean', true, 'got boolean true'],
  ['a string', 'handler', 'got the string "handler"'],
  ['a long string (cut at 40)', 'x'.repeat(50), `got the string "${'x'.repeat(40)}"`],
  ['a plain object', {}, 'got an object (Object) without a serveHTTP method'],
  ['an array', [], 'got an object (Array) without a serveHTTP method'],
  [
    'serveHTTP that is not a function',
    { serveHTTP: 'nope' },
    'got an object (Object) without a serveHTTP method',
  ],
  // Go's method is ServeHTTP; ours is serveHTTP, and the name is case-sensitive.
  ['Go’s spelling', { ServeHTTP: () => {} }, 'got an object (Object) without a serveHTTP method'],
  [
    'an object without a prototype',
    Object.create(null),
    'got an object without a serveHTTP method',
  ],
  ['a Map', new Map(), 'got an object (Map) without a serveHTTP method'],
];

describe('isHandler', () => {
  test.each(handlers)('%s: true', (_name, value) => {
    expect(isHandler(value)).toBe(true);
  });

  test.each(nonHandlers)('%s: false', (_name, value) => {
    expect(isHandler(value)).toBe(false);
  });
});

describe('toHandler', () => {
  test('wraps a function once; serveHTTP is the function itself (Go: HandlerFunc(f))', () => {
    const h = toHandler(fn);
    expect(h.serveHTTP).toBe(fn);
    const w = new ResponseRecorder();
    void h.serveHTTP(w, newRequest('GET', '/'));
    expect(w.text()).toBe('function');
  });

  test('returns an object handler as is', () => {
    const h = new ObjectHandler();
    expect(toHandler(h)).toBe(h);
    const w = new ResponseRecorder();
    void toHandler(h).serveHTTP(w, newRequest('GET', '/'));
    expect(h.calls).toBe(1);
    expect(w.text()).toBe('object');
  });

  test.each(handlers)('%s is accepted', (_name, value) => {
    const h = toHandler(value as Handler);
    expect(typeof h.serveHTTP).toBe('function');
  });

  test.each(nonHandlers)('%s is a TypeError naming it', (_name, value, got) => {
    const err = caught(() => toHandler(value as Handler));
    expect(err).toBeInstanceOf(TypeError);
    expect(err instanceof TypeError && err.message).toBe(
      `http: handler must be a function (w, r) => … or an object with serveHTTP(w, r), ${got}`,
    );
  });

  test('the message names what was being registered', () => {
    const err = caught(() => toHandler(null as unknown as Handler, 'NotFound handler'));
    expect(err instanceof TypeError && err.message).toStartWith('http: NotFound handler must be');
  });

  test('a rejected promise from an async handler reaches the caller', async () => {
    const boom = new Error('boom');
    const h = toHandler(async () => {
      throw boom;
    });
    let err: unknown;
    try {
      await h.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
    } catch (e) {
      err = e;
    }
    expect(err).toBe(boom);
  });
});

describe('handlerFunc', () => {
  test('makes a Handler whose serveHTTP is the function', () => {
    const h = handlerFunc(fn);
    expect(h.serveHTTP).toBe(fn);
    expect(isHandler(h)).toBe(true);
  });

  test('each call makes a new Handler', () => {
    expect(handlerFunc(fn)).not.toBe(handlerFunc(fn));
  });

  test.each(nonHandlers)('%s is a TypeError', (_name, value, got) => {
    const err = caught(() => handlerFunc(value as HandlerFunc));
    expect(err).toBeInstanceOf(TypeError);
    expect(err instanceof TypeError && err.message).toBe(
      `http: handlerFunc(f): f must be a function, ${got}`,
    );
  });

  test('an object with serveHTTP is not a function', () => {
    const err = caught(() => handlerFunc(new ObjectHandler() as unknown as HandlerFunc));
    expect(err).toBeInstanceOf(TypeError);
  });
});

describe('ResponseController', () => {
  // A writer that records which capability was called on it, and with what.
  type Capability =
    | 'flush'
    | 'hijack'
    | 'setReadDeadline'
    | 'setWriteDeadline'
    | 'enableFullDuplex';
  const capabilities: readonly Capability[] = [
    'flush',
    'hijack',
    'setReadDeadline',
    'setWriteDeadline',
    'enableFullDuplex',
  ];

  interface Call {
    readonly writer: string;
    readonly method: Capability;
    readonly args: readonly unknown[];
  }

  const conn: HijackedConn = {
    buffered: new Uint8Array(0),
    remoteAddr: '192.0.2.1:1234',
    localAddr: '192.0.2.2:80',
    write: async () => {},
    [Symbol.asyncIterator]: async function* () {},
    close: () => {},
  };

  class BaseWriter implements ResponseWriter {
    readonly #header = new Header();
    header(): Header {
      return this.#header;
    }
    writeHeader(_statusCode: number): void {}
    write(_chunk: string | Uint8Array): void {}
  }

  /** A writer named `name` with only the capabilities `has`, wrapping `inner` if given. */
  function writer(
    name: string,
    has: readonly Capability[],
    calls: Call[],
    inner?: ResponseWriter,
  ): ResponseWriter {
    const extra: Record<string, unknown> = { name };
    for (const method of has) {
      extra[method] = function (this: { name: string }, ...args: unknown[]) {
        calls.push({ writer: this.name, method, args });
        return method === 'hijack' ? conn : undefined;
      };
    }
    if (inner !== undefined) extra.unwrap = () => inner;
    return Object.assign(new BaseWriter(), extra);
  }

  function call(rc: ResponseController, method: Capability): unknown {
    switch (method) {
      case 'flush':
        return rc.flush();
      case 'hijack':
        return rc.hijack();
      case 'setReadDeadline':
        return rc.setReadDeadline(1234);
      case 'setWriteDeadline':
        return rc.setWriteDeadline(new Date(5678));
      case 'enableFullDuplex':
        return rc.enableFullDuplex();
    }
  }

  const argsOf: Record<Capability, readonly unknown[]> = {
    flush: [],
    hijack: [],
    setReadDeadline: [1234],
    setWriteDeadline: [new Date(5678)],
    enableFullDuplex: [],
  };

  // Go: ResponseController looks for the method on the writer, then on each Unwrap() result in
  // turn; the first writer that has it is used.
  const stacks: readonly (readonly [
    name: string,
    build: (m: Capability, calls: Call[]) => ResponseWriter,
    want: string,
  ])[] = [
    ['on the writer itself', (m, calls) => writer('outer', [m], calls), 'outer'],
    [
      'one unwrap down',
      (m, calls) => writer('outer', [], calls, writer('inner', [m], calls)),
      'inner',
    ],
    [
      'two unwraps down',
      (m, calls) =>
        writer('outer', [], calls, writer('middle', [], calls, writer('inner', [m], calls))),
      'inner',
    ],
    [
      'the outermost writer that has it wins',
      (m, calls) =>
        writer('outer', [], calls, writer('middle', [m], calls, writer('inner', [m], calls))),
      'middle',
    ],
  ];

  const found = stacks.flatMap(([name, build, want]) =>
    capabilities.map((m) => [m, name, build, want] as const),
  );
  test.each(found)('%s %s', (method, _name, build, want) => {
    const calls: Call[] = [];
    const rc = new ResponseController(build(method, calls));
    const result = call(rc, method);
    expect(calls).toEqual([{ writer: want, method, args: argsOf[method] }]);
    expect(result).toBe(method === 'hijack' ? conn : undefined);
  });

  // Nothing in the chain has it: ErrNotSupported, the very value (Go: errors.Is(err,
  // http.ErrNotSupported)).
  const missing: readonly (readonly [
    name: string,
    build: (m: Capability, calls: Call[]) => ResponseWriter,
  ])[] = [
    ['a bare writer', (_m, calls) => writer('outer', [], calls)],
    ['a chain without it', (_m, calls) => writer('outer', [], calls, writer('inner', [], calls))],
    [
      'a chain with every other capability',
      (m, calls) => {
        const others = capabilities.filter((c) => c !== m);
        return writer('outer', others, calls, writer('inner', others, calls));
      },
    ],
  ];
  const notSupported = missing.flatMap(([name, build]) =>
    capabilities.map((m) => [m, name, build] as const),
  );
  test.each(notSupported)('%s on %s: ErrNotSupported', (method, _name, build) => {
    const calls: Call[] = [];
    const err = caught(() => call(new ResponseController(build(method, calls)), method));
    expect(err).toBe(ErrNotSupported);
    expect(calls).toEqual([]);
  });

  test('ErrNotSupported has Go’s message', () => {
    expect(ErrNotSupported).toBeInstanceOf(HTTPError);
    expect(ErrNotSupported.message).toBe('feature not supported');
  });

  test('a capability that is not a function does not count', () => {
    const calls: Call[] = [];
    const inner = writer('inner', ['flush'], calls);
    const outer = Object.assign(new BaseWriter(), { flush: true, unwrap: () => inner });
    void new ResponseController(outer).flush();
    expect(calls.map((c) => c.writer)).toEqual(['inner']);
  });

  test('a writer that unwraps to itself ends in ErrNotSupported, not a hang', () => {
    const w: ResponseWriter & { unwrap(): ResponseWriter } = Object.assign(new BaseWriter(), {
      unwrap: (): ResponseWriter => w,
    });
    expect(caught(() => new ResponseController(w).flush())).toBe(ErrNotSupported);
  });

  test('a capability deeper than 64 wrappers is not found', () => {
    const calls: Call[] = [];
    let w = writer('bottom', ['flush'], calls);
    for (let i = 0; i < 63; i++) w = writer(`w${i}`, [], calls, w);
    // 64 writers: the bottom one is still reached.
    void new ResponseController(w).flush();
    expect(calls).toHaveLength(1);
    w = writer('one more', [], calls, w);
    expect(caught(() => new ResponseController(w).flush())).toBe(ErrNotSupported);
  });

  test('flush passes on the writer’s promise', async () => {
    let flushed = false;
    const w = Object.assign(new BaseWriter(), {
      flush: async (): Promise<void> => {
        flushed = true;
      },
    });
    const result = new ResponseController(w).flush();
    expect(result).toBeInstanceOf(Promise);
    await result;
    expect(flushed).toBe(true);
  });

  test('the writer’s own error is thrown as is', () => {
    const boom = new Error('boom');
    const w = Object.assign(new BaseWriter(), {
      enableFullDuplex: (): void => {
        throw boom;
      },
    });
    expect(caught(() => new ResponseController(w).enableFullDuplex())).toBe(boom);
  });

  test('nothing is checked until a method is called', () => {
    expect(() => new ResponseController(new BaseWriter())).not.toThrow();
  });

  test('ResponseRecorder can flush through a wrapper (Go: httptest.ResponseRecorder is a Flusher)', () => {
    const rec = new ResponseRecorder();
    const wrapper = Object.assign(new BaseWriter(), { unwrap: (): ResponseWriter => rec });
    const rc = new ResponseController(wrapper);
    void rc.flush();
    expect(rec.flushed).toBe(true);
    expect(rec.flushCount).toBe(1);
    expect(caught(() => rc.hijack())).toBe(ErrNotSupported);
    expect(caught(() => rc.setWriteDeadline(0))).toBe(ErrNotSupported);
  });
});
