// Start a Surfpool (Surfnet) Solana runtime offline and print its RPC URL and payer
// as one JSON line; stop on SIGTERM/SIGINT. Used by tests/nodes/surfpool.py.
const path = require('path');
const { Surfnet } = require(path.join(__dirname, '../../.tools/node_modules/@solana/surfpool-linux-x64-gnu'));

(async () => {
  const surfnet = await Surfnet.startWithConfig({
    offline: true,
    blockProductionMode: process.env.SURFNET_BPM || 'clock',
    slotTimeMs: Number(process.env.SURFNET_SLOT_MS || 50),
  });
  console.log(JSON.stringify({ rpc: surfnet.rpcUrl, ws: surfnet.wsUrl, payer: surfnet.payer,
                               payerSecretKey: Array.from(surfnet.payerSecretKey) }));
  const stop = async () => {
    try { await surfnet.stop(); } finally { process.exit(0); }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Surfnet queues an event per slot and per transaction until someone drains them;
  // left undrained, the queue fills within a minute or two and the node stops
  // answering. Nothing here needs the events: drop them.
  setInterval(() => { try { surfnet.drainEvents(); } catch (e) { /* stopping */ } }, 200);
})().catch((e) => { console.error(e); process.exit(1); });
