// Import progress for people and for logs: a bar with rate and ETA redrawn in place on a terminal,
// plain lines at most every few seconds otherwise (CI logs, files).
import type { ImportProgress } from '../identity/import.js';

export interface ProgressOptions {
  totalBytes: number;
  bytesRead: () => number;
  stream: NodeJS.WriteStream;
  /** Plain mode: the least time between two lines. */
  intervalMs?: number;
}

const clock = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
};

export function progressReporter({ totalBytes, bytesRead, stream, intervalMs = 5_000 }: ProgressOptions) {
  const started = Date.now();
  const startBytes = bytesRead();
  let lastLine = 0;
  const describe = (p: ImportProgress) => {
    const seconds = (Date.now() - started) / 1000;
    const read = bytesRead();
    const fraction = totalBytes ? Math.min(1, read / totalBytes) : 1;
    const bytesPerSecond = (read - startBytes) / Math.max(seconds, 0.001);
    const eta = (totalBytes - read) / bytesPerSecond;
    const counts = `${p.lines} lines: ${p.accepted} stored, ${p.duplicates} already there, ${p.rejected} rejected`;
    return { fraction, counts, rate: `${p.eventsPerSecond} events/s`, eta: clock(eta) };
  };
  return {
    update(p: ImportProgress) {
      const { fraction, counts, rate, eta } = describe(p);
      if (stream.isTTY) {
        const width = 24;
        const filled = Math.round(fraction * width);
        const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
        stream.write(`\r\x1b[K${bar} ${counts} (${rate}, ETA ${eta})`);
        return;
      }
      if (Date.now() - lastLine < intervalMs) return;
      lastLine = Date.now();
      stream.write(`${Math.floor(fraction * 100)}% ${counts} (${rate}, ETA ${eta})\n`);
    },
    finish(p: ImportProgress) {
      const { counts, rate } = describe(p);
      const took = clock((Date.now() - started) / 1000);
      stream.write(`${stream.isTTY ? '\r\x1b[K' : ''}100% ${counts} (${rate}, took ${took})\n`);
    },
  };
}
