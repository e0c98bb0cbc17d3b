/**
 * Go's `afterTest` for the wire suites: nothing a test opened may outlive it.
 */
import { expect } from 'bun:test';
import { openNetResources } from './net.ts';

/**
 * Waits up to `ms` for every listener and connection to be gone (a peer's close reaches the
 * server some event-loop turns later), then requires that none is open.
 */
export async function expectNothingOpen(ms = 2000, pollMs = 5): Promise<void> {
  const deadline = Date.now() + ms;
  while (openNetResources().conns + openNetResources().listeners > 0 && Date.now() < deadline) {
    await Bun.sleep(pollMs);
  }
  expect(openNetResources()).toEqual({ listeners: 0, conns: 0 });
}
