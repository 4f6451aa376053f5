/**
 * soak.test.ts's server, in a process of its own (fork, --expose-gc): its
 * heap is then the server's alone, and the clients' TLS and SCRAM run on
 * the other core. Argument: the users' SCRAM iteration count. Says
 * {port, caFile} once listening; answers each 'measure' with the heap
 * after full collections and what the server's tables hold; 'close' ends
 * it. Each message is JSON over the IPC channel.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from './harness.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error('soak-server.ts is started by soak.test.ts: fork() with --expose-gc');
const send = process.send.bind(process);

const iterations = Number(process.argv[2]);
if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`soak-server.ts wants the SCRAM iteration count, got ${JSON.stringify(process.argv[2])}`);
const r = await startServer({ iterations });
send({ port: r.port, caFile: r.caFile });

// The test's process gone (ended, or killed), this one goes too.
process.on('disconnect', () => process.exit(0));
process.on('message', async (m) => {
  if (m === 'measure') {
    // Timers and sockets closed just now are released on the next turns of the loop; then a few full collections.
    for (let i = 0; i < 4; i++) {
      await sleep(50);
      gc();
    }
    const cpu = process.cpuUsage();
    send({ heap: process.memoryUsage().heapUsed, cpu: (cpu.user + cpu.system) / 1e6, sessions: r.server.router.sessions().length, connections: r.server.connections, addresses: r.server.addresses });
  } else if (m === 'close') {
    await r.server.close();
    process.exit(0);
  }
});
