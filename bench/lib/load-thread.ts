/** A load thread (see `startLoad`): runs its spec, answers the phase, then ends. */
import { parentPort, workerData } from 'node:worker_threads';
import { runSpec, type LoadSpec } from './push-gen.js';

let stopped = false;
parentPort!.on('message', (m) => {
  if (m === 'stop') stopped = true;
});
const phase = await runSpec(workerData as LoadSpec, () => stopped);
parentPort!.postMessage({ ...phase, reasons: [...phase.reasons] });
parentPort!.close();
