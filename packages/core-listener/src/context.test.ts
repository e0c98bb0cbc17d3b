import { describe, expect, test } from 'bun:test';
import { caught } from './caught.test-util.ts';
import { type CancelFunc, Context, type ContextKey, createKey } from './context.ts';
import { ErrCanceled, ErrDeadlineExceeded } from './errors.ts';

// Rows follow Go's context tests (context_test.go / x_test.go): XTestValues, XTestWithCancel,
// XTestParentFinishesChild, XTestChildFinishesFirst, XTestDeadline, XTestTimeout,
// XTestCanceledTimeout, XTestSimultaneousCancels, XTestInterlockedCancels, XTestLayersCancel,
// XTestCancelRemoves, XTestWithCancelCanceledParent, XTestWithValueChecksKey.
// Timing: deadlines are at most 30 ms away, and tests wait for the signal's 'abort' event, never
// for a fixed sleep.

const bg = Context.background();
// "An arbitrary upper bound on the test's running time" (Go's veryLongDuration): a timer that
// must never fire during the test. Timers are unref'd, and every test cancels what it starts.
const veryLong = 3_600_000;

/** Resolves with the signal's reason once it has aborted (at once if it already has). */
function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(signal.reason);
      return;
    }
    signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
  });
}

interface ListenerSpy {
  readonly added: unknown[];
  readonly removed: unknown[];
}

/**
 * Records the 'abort' listeners added to and removed from `signal`, by shadowing the two methods
 * on the instance (the context looks them up on the parent's signal object).
 */
function spyOnAbortListeners(signal: AbortSignal): ListenerSpy {
  const spy: ListenerSpy = { added: [], removed: [] };
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  Object.defineProperty(signal, 'addEventListener', {
    configurable: true,
    value: (...args: Parameters<AbortSignal['addEventListener']>) => {
      if (args[0] === 'abort') spy.added.push(args[1]);
      add(...args);
    },
  });
  Object.defineProperty(signal, 'removeEventListener', {
    configurable: true,
    value: (...args: Parameters<AbortSignal['removeEventListener']>) => {
      if (args[0] === 'abort') spy.removed.push(args[1]);
      remove(...args);
    },
  });
  return spy;
}

describe('createKey', () => {
  test('every key is distinct, even with one name (Go: k1 and k2 share an int)', () => {
    const k1 = createKey<string>('k');
    const k2 = createKey<string>('k');
    expect(k1).not.toBe(k2);
    expect(k1.name).toBe('k');
    const ctx = bg.withValue(k1, 'v1');
    expect(ctx.value(k1)).toBe('v1');
    expect(ctx.value(k2)).toBeUndefined();
  });

  test('a key is frozen', () => {
    const k = createKey<number>('n');
    expect(Object.isFrozen(k)).toBe(true);
  });

  test.each([
    ['a number', 1],
    ['undefined', undefined],
    ['an object', {}],
  ] as const)('a name that is %s is a TypeError', (_name, name) => {
    const err = caught(() => createKey(name as unknown as string));
    expect(err).toBeInstanceOf(TypeError);
    expect(err instanceof TypeError && err.message).toContain('name must be a string');
  });
});

describe('Context.background', () => {
  test('is one value that never ends and holds nothing (Go: XTestBackground)', () => {
    expect(Context.background()).toBe(bg);
    expect(bg.signal.aborted).toBe(false);
    expect(bg.err()).toBeUndefined();
    expect(bg.deadline()).toBeUndefined();
    expect(bg.value(createKey<string>('any'))).toBeUndefined();
  });
});

describe('withValue', () => {
  // Go: XTestValues. k1 and k2 share a name (Go: the same int, different types); k3 has k2's
  // "type". Go's otherContext wrappers (o*) become cancel contexts: values are seen through them.
  const k1 = createKey<string | undefined>('k');
  const k2 = createKey<string | undefined>('k');
  const k3 = createKey<string | undefined>('k3');

  const c0 = bg;
  const c1 = bg.withValue(k1, 'c1k1');
  const c2 = c1.withValue(k2, 'c2k2');
  const c3 = c2.withValue(k3, 'c3k3');
  // Shadowing with "nothing" hides the outer value (Go: WithValue(c3, k1, nil)).
  const c4 = c3.withValue(k1, undefined);
  const [o1] = bg.withValue(k1, 'c1k1').withCancel();
  const o2 = o1.withValue(k2, 'o2k2');
  const [o3] = c4.withCancel();
  const o4 = o3.withValue(k3, undefined);

  const rows: readonly (readonly [
    name: string,
    ctx: Context,
    v1: string | undefined,
    v2: string | undefined,
    v3: string | undefined,
  ])[] = [
    ['c0', c0, undefined, undefined, undefined],
    ['c1', c1, 'c1k1', undefined, undefined],
    ['c2', c2, 'c1k1', 'c2k2', undefined],
    ['c3', c3, 'c1k1', 'c2k2', 'c3k3'],
    ['c4', c4, undefined, 'c2k2', 'c3k3'],
    ['o1', o1, 'c1k1', undefined, undefined],
    ['o2', o2, 'c1k1', 'o2k2', undefined],
    ['o3', o3, undefined, 'c2k2', 'c3k3'],
    ['o4', o4, undefined, 'c2k2', undefined],
  ];
  test.each(rows)('%s', (_name, ctx, v1, v2, v3) => {
    expect(ctx.value(k1)).toBe(v1);
    expect(ctx.value(k2)).toBe(v2);
    expect(ctx.value(k3)).toBe(v3);
  });

  test('the nearest value wins, the parent is unchanged', () => {
    const k = createKey<string>('user');
    const outer = bg.withValue(k, 'outer');
    const inner = outer.withValue(k, 'inner');
    expect(inner.value(k)).toBe('inner');
    expect(outer.value(k)).toBe('outer');
  });

  const values: readonly (readonly [name: string, value: unknown])[] = [
    ['zero', 0],
    ['the empty string', ''],
    ['false', false],
    ['null', null],
    ['an object', { id: 1 }],
  ];
  test.each(values)('%s is stored as is', (_name, value) => {
    const k = createKey<unknown>('v');
    expect(bg.withValue(k, value).value(k)).toBe(value);
  });

  test('shares its parent’s signal and deadline', () => {
    const [parent, cancel] = bg.withTimeout(veryLong);
    const child = parent.withValue(createKey<number>('n'), 1);
    expect(child.signal).toBe(parent.signal);
    expect(child.deadline()).toBe(parent.deadline());
    cancel();
    expect(child.err()).toBe(ErrCanceled);
  });

  // Go: XTestWithValueChecksKey panics for a nil or non-comparable key.
  test.each([
    ['null', null],
    ['a string', 'key'],
    ['undefined', undefined],
  ] as const)('a key that is %s is a TypeError', (_name, key) => {
    const err = caught(() => bg.withValue(key as unknown as ContextKey<string>, 'v'));
    expect(err).toBeInstanceOf(TypeError);
    expect(err instanceof TypeError && err.message).toContain('key must be made by createKey()');
  });
});

describe('withCancel', () => {
  test('cancel ends the context and its descendants, synchronously (Go: XTestWithCancel)', () => {
    const [c1, cancel] = bg.withCancel();
    const o = c1.withValue(createKey<string>('o'), 'o');
    const [c2, stop] = o.withCancel();
    const contexts = [c1, o, c2];
    for (const c of contexts) {
      expect(c.signal.aborted).toBe(false);
      expect(c.err()).toBeUndefined();
    }
    cancel();
    for (const c of contexts) {
      expect(c.signal.aborted).toBe(true);
      expect(c.err()).toBe(ErrCanceled);
      expect(c.signal.reason).toBe(ErrCanceled);
    }
    stop();
  });

  test('the parent finishes every child (Go: XTestParentFinishesChild)', () => {
    // parent -> cancelChild; parent -> valueChild -> timerChild
    const [parent, cancel] = bg.withCancel();
    const [cancelChild, stop1] = parent.withCancel();
    const valueChild = parent.withValue(createKey<string>('key'), 'value');
    const [timerChild, stop2] = valueChild.withTimeout(veryLong);
    const all: readonly (readonly [string, Context])[] = [
      ['parent', parent],
      ['cancelChild', cancelChild],
      ['valueChild', valueChild],
      ['timerChild', timerChild],
    ];
    for (const [, c] of all) expect(c.err()).toBeUndefined();
    cancel();
    for (const [name, c] of all) expect([name, c.err()]).toEqual([name, ErrCanceled]);
    // A child of a cancelled parent starts cancelled.
    const precanceledChild = parent.withValue(createKey<string>('key'), 'value');
    expect(precanceledChild.err()).toBe(ErrCanceled);
    stop1();
    stop2();
  });

  test('a child finishing first leaves its parent alone (Go: XTestChildFinishesFirst)', () => {
    const [cancelable, stop] = bg.withCancel();
    for (const parent of [bg, cancelable]) {
      const [child, cancel] = parent.withCancel();
      expect(child.err()).toBeUndefined();
      cancel();
      expect(child.err()).toBe(ErrCanceled);
      expect(parent.signal.aborted).toBe(false);
      expect(parent.err()).toBeUndefined();
    }
    stop();
  });

  const reasons: readonly (readonly [name: string, reason: unknown, want: unknown])[] = [
    ['no reason: ErrCanceled', undefined, ErrCanceled],
    ['a custom error', new Error('client went away'), undefined],
    ['a string', 'shutdown', 'shutdown'],
    ['ErrDeadlineExceeded', ErrDeadlineExceeded, ErrDeadlineExceeded],
  ];
  test.each(reasons)(
    'cancel(%s) is what err() and every descendant report',
    (_name, reason, want) => {
      const expected = want ?? reason;
      const [ctx, cancel] = bg.withCancel();
      const [child, stopChild] = ctx.withValue(createKey<number>('n'), 1).withCancel();
      cancel(reason);
      expect(ctx.err()).toBe(expected);
      expect(ctx.signal.reason).toBe(expected);
      expect(child.err()).toBe(expected);
      stopChild();
    },
  );

  test('cancel is idempotent: the first reason stays', () => {
    const [ctx, cancel] = bg.withCancel();
    cancel();
    cancel(new Error('later'));
    cancel();
    expect(ctx.err()).toBe(ErrCanceled);
  });

  // Go: XTestWithCancelCanceledParent.
  test.each([
    ['ErrCanceled', undefined, ErrCanceled],
    ['a custom reason', 'bye', 'bye'],
  ] as const)(
    'a child of a parent cancelled with %s starts cancelled with it',
    (_n, reason, want) => {
      const [parent, cancel] = bg.withCancel();
      cancel(reason);
      for (const [child, stop] of [parent.withCancel(), parent.withTimeout(veryLong)]) {
        expect(child.signal.aborted).toBe(true);
        expect(child.err()).toBe(want);
        stop();
      }
    },
  );

  test('a cancel in an abort listener reaches the child (Go: XTestInterlockedCancels)', () => {
    const [parent, cancelParent] = bg.withCancel();
    const [child, cancelChild] = parent.withCancel();
    parent.signal.addEventListener('abort', () => cancelChild(), { once: true });
    cancelParent();
    expect(child.err()).toBe(ErrCanceled);
  });

  test('cancels in any order end the whole tree (Go: XTestSimultaneousCancels)', () => {
    const [root, cancelRoot] = bg.withCancel();
    const cancels = new Map<Context, CancelFunc>([[root, cancelRoot]]);
    const queue: Context[] = [root];
    while (queue.length > 0 && cancels.size < 100) {
      const parent = queue.shift();
      if (parent === undefined) break;
      for (let i = 0; i < 4; i++) {
        const [ctx, cancel] = parent.withCancel();
        cancels.set(ctx, cancel);
        queue.push(ctx);
      }
    }
    // A fixed shuffle (every 7th, wrapping), so the root is cancelled somewhere in the middle.
    const fns = [...cancels.values()];
    for (let i = 0, j = 0; i < fns.length; i++, j = (j + 7) % fns.length) fns[j]?.();
    for (const ctx of cancels.keys()) expect(ctx.err()).toBe(ErrCanceled);
  });

  test('values survive cancellation at any layer (Go: XTestLayersCancel)', () => {
    // A deterministic LCG instead of Go's time-seeded rand.
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let ctx: Context = bg;
    const keys: ContextKey<object>[] = [];
    const vals: object[] = [];
    const cancels: CancelFunc[] = [];
    for (let i = 0; i < 30 || cancels.length === 0 || keys.length === 0; i++) {
      const kind = next(3);
      if (kind === 0) {
        const key = createKey<object>(`v${i}`);
        const val = { i };
        ctx = ctx.withValue(key, val);
        keys.push(key);
        vals.push(val);
      } else {
        const [child, cancel] = kind === 1 ? ctx.withCancel() : ctx.withTimeout(veryLong);
        ctx = child;
        cancels.push(cancel);
      }
    }
    const checkValues = (): void => {
      keys.forEach((key, i) => {
        expect(ctx.value(key)).toBe(vals[i]);
      });
    };
    expect(ctx.err()).toBeUndefined();
    checkValues();
    cancels[next(cancels.length)]?.();
    expect(ctx.err()).toBe(ErrCanceled);
    checkValues();
    for (const cancel of cancels) cancel();
  });

  describe('a cancelled child lets go of its parent (Go: XTestCancelRemoves)', () => {
    test('each child adds one abort listener and removes that same one on cancel', () => {
      const [parent, cancelParent] = bg.withCancel();
      const spy = spyOnAbortListeners(parent.signal);
      const children = Array.from({ length: 100 }, () => parent.withCancel());
      expect(spy.added).toHaveLength(100);
      expect(spy.removed).toHaveLength(0);
      for (const [, cancel] of children) cancel();
      expect(spy.removed).toHaveLength(100);
      expect(new Set(spy.removed)).toEqual(new Set(spy.added));
      cancelParent();
    });

    test('a value child adds no listener; a timeout child removes its own', () => {
      const [parent, cancelParent] = bg.withCancel();
      const spy = spyOnAbortListeners(parent.signal);
      parent.withValue(createKey<number>('n'), 1);
      expect(spy.added).toHaveLength(0);
      const [child, cancel] = parent.withTimeout(veryLong);
      expect(spy.added).toHaveLength(1);
      cancel();
      expect(child.err()).toBe(ErrCanceled);
      expect(spy.removed).toEqual(spy.added);
      cancelParent();
    });

    test('a child that hits its deadline removes its listener', async () => {
      const [parent, cancelParent] = bg.withCancel();
      const spy = spyOnAbortListeners(parent.signal);
      const [child, cancel] = parent.withTimeout(10);
      expect(spy.added).toHaveLength(1);
      expect(await aborted(child.signal)).toBe(ErrDeadlineExceeded);
      expect(spy.removed).toEqual(spy.added);
      expect(parent.err()).toBeUndefined();
      cancel();
      cancelParent();
    });

    test('children of the background context subscribe to nothing', () => {
      const spy = spyOnAbortListeners(bg.signal);
      try {
        const [, cancel] = bg.withCancel();
        const [, stop] = bg.withTimeout(veryLong);
        cancel();
        stop();
        expect(spy.added).toHaveLength(0);
        expect(spy.removed).toHaveLength(0);
      } finally {
        Reflect.deleteProperty(bg.signal, 'addEventListener');
        Reflect.deleteProperty(bg.signal, 'removeEventListener');
      }
    });

    test('after many children were cancelled, aborting the parent still reaches the live ones', () => {
      const [parent, cancelParent] = bg.withCancel();
      const done = Array.from({ length: 1000 }, () => parent.withCancel());
      for (const [, cancel] of done) cancel();
      const [live, stopLive] = parent.withCancel();
      const [liveTimer, stopTimer] = parent.withTimeout(veryLong);
      const parentReason = new Error('parent reason');
      cancelParent(parentReason);
      expect(parent.err()).toBe(parentReason);
      expect(live.err()).toBe(parentReason);
      expect(liveTimer.err()).toBe(parentReason);
      // The cancelled children keep their own reason: their listeners were gone.
      for (const [child] of done) expect(child.err()).toBe(ErrCanceled);
      stopLive();
      stopTimer();
    });
  });
});

describe('deadlines', () => {
  test('withTimeout ends with ErrDeadlineExceeded (Go: XTestTimeout)', async () => {
    const before = Date.now();
    const [ctx, cancel] = bg.withTimeout(20);
    const after = Date.now();
    const deadline = ctx.deadline();
    expect(deadline).toBeGreaterThanOrEqual(before + 20);
    expect(deadline).toBeLessThanOrEqual(after + 20);
    expect(ctx.err()).toBeUndefined();
    expect(await aborted(ctx.signal)).toBe(ErrDeadlineExceeded);
    expect(ctx.err()).toBe(ErrDeadlineExceeded);
    // Cancelling afterwards changes nothing.
    cancel();
    expect(ctx.err()).toBe(ErrDeadlineExceeded);
  });

  test.each([
    ['epoch milliseconds', (at: number): Date | number => at],
    ['a Date', (at: number): Date | number => new Date(at)],
  ] as const)('withDeadline takes %s (Go: XTestDeadline)', async (_name, toDeadline) => {
    const at = Date.now() + 15;
    const [ctx, cancel] = bg.withDeadline(toDeadline(at));
    expect(ctx.deadline()).toBe(at);
    expect(await aborted(ctx.signal)).toBe(ErrDeadlineExceeded);
    expect(ctx.err()).toBe(ErrDeadlineExceeded);
    cancel();
  });

  // Go: "WithDeadline+inthepast", "WithDeadline+now", WithTimeout of 0: done before returning.
  test.each([
    ['withDeadline in the past', () => bg.withDeadline(Date.now() - 1)],
    ['withDeadline now', () => bg.withDeadline(Date.now())],
    ['withDeadline(new Date(0))', () => bg.withDeadline(new Date(0))],
    ['withTimeout(0)', () => bg.withTimeout(0)],
    ['withTimeout(-5)', () => bg.withTimeout(-5)],
  ] as const)('%s is already exceeded', (_name, make) => {
    const [ctx, cancel] = make();
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.err()).toBe(ErrDeadlineExceeded);
    cancel();
    expect(ctx.err()).toBe(ErrDeadlineExceeded);
  });

  test('an earlier parent deadline caps the child’s', async () => {
    const [parent, cancelParent] = bg.withTimeout(20);
    const [child, cancelChild] = parent.withTimeout(veryLong);
    const [child2, cancelChild2] = parent.withDeadline(Date.now() + veryLong);
    expect(child.deadline()).toBe(parent.deadline());
    expect(child2.deadline()).toBe(parent.deadline());
    expect(await aborted(child.signal)).toBe(ErrDeadlineExceeded);
    expect(parent.err()).toBe(ErrDeadlineExceeded);
    expect(child2.err()).toBe(ErrDeadlineExceeded);
    cancelChild();
    cancelChild2();
    cancelParent();
  });

  test('an earlier child deadline ends the child only', async () => {
    const [parent, cancelParent] = bg.withTimeout(veryLong);
    const [child, cancelChild] = parent.withTimeout(10);
    const childDeadline = child.deadline();
    const parentDeadline = parent.deadline();
    expect(childDeadline).toBeDefined();
    expect(parentDeadline).toBeDefined();
    expect(childDeadline ?? 0).toBeLessThan(parentDeadline ?? 0);
    expect(await aborted(child.signal)).toBe(ErrDeadlineExceeded);
    expect(parent.err()).toBeUndefined();
    cancelChild();
    cancelParent();
  });

  test('a deadline is inherited through value and cancel children', () => {
    const [parent, cancelParent] = bg.withTimeout(veryLong);
    const valueChild = parent.withValue(createKey<number>('n'), 1);
    const [cancelChild, stop] = valueChild.withCancel();
    expect(valueChild.deadline()).toBe(parent.deadline());
    expect(cancelChild.deadline()).toBe(parent.deadline());
    expect(bg.withCancel()[0].deadline()).toBeUndefined();
    stop();
    cancelParent();
  });

  test('cancel before the deadline: ErrCanceled, and it stays (Go: XTestCanceledTimeout)', async () => {
    const [c, stopC] = bg.withTimeout(1000);
    const o = c.withValue(createKey<string>('o'), 'o');
    const [ctx, cancel] = o.withTimeout(10);
    cancel();
    expect(ctx.err()).toBe(ErrCanceled);
    expect(c.err()).toBeUndefined();
    // Wait until well past the cancelled context's deadline.
    const [later, stopLater] = bg.withTimeout(30);
    await aborted(later.signal);
    expect(ctx.err()).toBe(ErrCanceled);
    stopLater();
    stopC();
  });

  test('a parent cancelled before the child’s deadline gives its reason, not ErrDeadlineExceeded', async () => {
    const [parent, cancelParent] = bg.withCancel();
    const [child, cancel] = parent.withTimeout(10);
    cancelParent();
    expect(child.err()).toBe(ErrCanceled);
    const [later, stopLater] = bg.withTimeout(30);
    await aborted(later.signal);
    expect(child.err()).toBe(ErrCanceled);
    stopLater();
    cancel();
  });

  test('the timer fires no earlier than the deadline', async () => {
    const [ctx, cancel] = bg.withTimeout(15);
    const deadline = ctx.deadline() ?? 0;
    await aborted(ctx.signal);
    // One millisecond of slack for clock granularity.
    expect(Date.now()).toBeGreaterThanOrEqual(deadline - 1);
    cancel();
  });

  const invalid: readonly (readonly [name: string, make: () => unknown, message: string])[] = [
    ['withTimeout(NaN)', () => bg.withTimeout(Number.NaN), 'ms must be a number'],
    ['withTimeout("10")', () => bg.withTimeout('10' as unknown as number), 'ms must be a number'],
    ['withDeadline(NaN)', () => bg.withDeadline(Number.NaN), 'deadline is not a valid time'],
    ['withDeadline(invalid Date)', () => bg.withDeadline(new Date('x')), 'not a valid time'],
  ];
  test.each(invalid)('%s is a TypeError', (_name, make, message) => {
    const err = caught(make);
    expect(err).toBeInstanceOf(TypeError);
    expect(err instanceof TypeError && err.message).toContain(message);
  });
});

describe('error values', () => {
  test.each([
    ['ErrCanceled', ErrCanceled, 'context canceled'],
    ['ErrDeadlineExceeded', ErrDeadlineExceeded, 'context deadline exceeded'],
  ] as const)('%s has Go’s message', (_name, err, message) => {
    expect(err.message).toBe(message);
    expect(err).toBeInstanceOf(Error);
  });
});
