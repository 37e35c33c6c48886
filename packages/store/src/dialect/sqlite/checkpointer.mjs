// Runs WAL checkpoints on a worker thread with its own connection, so the main thread's commits only append
// to the WAL and the copy into the database file uses the second core (bench/RESULTS.md).
// Plain JavaScript: a worker must load without the TypeScript loader.
import { setTimeout } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';

const db = new Sqlite(workerData.filename);
db.pragma('busy_timeout = 5000');
let stopped = false;
const tick = () => {
  if (stopped) return;
  try {
    // PASSIVE never blocks the writer; it copies what it can and the next tick continues.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A busy database is retried at the next tick.
  }
  setTimeout(tick, workerData.intervalMs);
};
tick();
parentPort.on('message', (m) => {
  if (m === 'stop') {
    stopped = true;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Closing anyway.
    }
    db.close();
    parentPort.postMessage('stopped');
  }
});
