// Tunes the Neo4j driver's sockets, which the driver (5.28) offers no option for. It calls
// setKeepAlive(true) on every socket it opens, so that is where we hook in:
// - Nagle's algorithm off. With it on, a Bolt message written in two segments waits for the server's
//   delayed ACK: about 40 ms on every transaction of more than a few rows (measured here: 55 ms → 9 ms
//   for a 75-row UNWIND). The Python driver made the same change (neo4j-python-driver#1122).
// - Writes of one tick coalesced. The driver writes every 1,400-byte chunk of a message as its own
//   write; with Nagle off each became a system call and a packet (the resolve statement took eight).
//   Corked until the end of the tick, they leave as one writev, as Node's docs suggest for bursts.
import net from 'node:net';

let installed = false;
const tuned = Symbol('identity-graph tuned socket');

function coalesceWritesPerTick(socket: net.Socket): void {
  const write = socket.write;
  let corked = false;
  socket.write = function (this: net.Socket, ...args: unknown[]) {
    if (!corked) {
      corked = true;
      this.cork();
      process.nextTick(() => {
        corked = false;
        this.uncork();
      });
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof socket.write;
}

export function disableNagleForDriverSockets(): void {
  if (installed) return;
  installed = true;
  const setKeepAlive = net.Socket.prototype.setKeepAlive;
  net.Socket.prototype.setKeepAlive = function (this: net.Socket, ...args: Parameters<typeof setKeepAlive>) {
    // Harmless for any other socket that asks for keep-alive: Node's HTTP already sets no-delay, and a
    // write corked until the end of its tick is sent whole at the end of it.
    const socket = this as net.Socket & { [tuned]?: true };
    if (!socket[tuned]) {
      socket[tuned] = true;
      this.setNoDelay(true);
      coalesceWritesPerTick(this);
    }
    return setKeepAlive.apply(this, args);
  };
}
