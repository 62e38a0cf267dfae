// Redis pub/sub as a wake-up signal between API instances: "the feed has new places, tail it now".
// It carries no change and is never needed for correctness: every instance also polls the outbox, so
// a lost message, a Redis restart or no Redis at all only costs latency, never a change.
import { randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';

export interface WakeUpChannel {
  /** Tells the other instances that places up to `last` exist. Never throws. */
  publish(last: number): Promise<void>;
  close(): Promise<void>;
}

const channelName = 'identity-graph:changes';

/**
 * Connects in the background; until Redis answers (and whenever it does not) publishing is skipped
 * and the instances fall back on polling. `onWake` runs when another instance sequenced changes, and
 * after every (re)connection, since messages sent meanwhile were lost.
 */
export function connectRedisWakeUp(
  url: string,
  onWake: () => void,
  log: (line: string) => void,
): WakeUpChannel {
  const instanceId = randomUUID();
  const publisher = createClient({ url });
  const subscriber = publisher.duplicate();
  let isClosed = false;
  let lastError = '';
  const reportError = (error: unknown) => {
    if (isClosed) return;
    const message = error instanceof Error ? error.message : String(error);
    // Reconnection attempts repeat the same error: say it once, and again only when it changes.
    if (message !== lastError) log(`change feed: Redis wake-ups unavailable (${message}); polling continues`);
    lastError = message;
  };
  publisher.on('error', reportError);
  subscriber.on('error', reportError);
  subscriber.on('ready', () => {
    lastError = '';
    onWake();
  });
  void Promise.all([
    publisher.connect(),
    subscriber.connect().then(() =>
      subscriber.subscribe(channelName, (message) => {
        if (!message.startsWith(`${instanceId} `)) onWake();
      }),
    ),
  ]).catch(reportError);

  return {
    async publish(last: number) {
      if (!publisher.isReady) return;
      try {
        await publisher.publish(channelName, `${instanceId} ${last}`);
      } catch (error) {
        reportError(error);
      }
    },
    async close() {
      isClosed = true;
      // destroy(), not close(): it also ends a connection attempt that is still retrying.
      for (const client of [subscriber, publisher]) {
        try {
          client.destroy();
        } catch {
          // Already closed.
        }
      }
    },
  };
}
