// Shows the load client is not the bottleneck: the same client against C epoll echo servers
// should go beyond the fastest JS server measured; the report prints the headroom.
import { runGroup } from './group.mjs';
import { cServer } from './servers.mjs';
import { tcpMeasures, tcpWarm } from './tcp.mjs';
import { udpMeasures, udpWarm } from './udp.mjs';

export async function runClientCheck(ctx) {
  const { bin, profile: p, log } = ctx;
  log('client check: the load client against C echo servers');
  const tcp = await runGroup({
    members: [cServer(bin, 'tcp')],
    reps: p.reps,
    warm: tcpWarm(bin, p),
    measures: tcpMeasures(bin, p),
    log,
  });
  const udp = await runGroup({
    members: [cServer(bin, 'udp')],
    reps: p.reps,
    warm: udpWarm(bin, p),
    measures: udpMeasures(bin, p),
    log,
  });
  // Capacity is what the client can do at best: per measure, the repetition with the best result.
  const primary = {
    tput1: 'mibps',
    tput64: 'mibps',
    lat: 'p50',
    ccr: 'rate',
    udp1: 'rate',
    udp16: 'rate',
  };
  const pick = (state, id) => {
    const runs = (state[0].runs[id] ?? []).filter(Boolean);
    if (runs.length === 0) return null;
    const key = primary[id];
    const better = (a, b) => (key === 'p50' ? a[key] < b[key] : a[key] > b[key]);
    return runs.reduce((best, r) => (better(r, best) ? r : best));
  };
  return {
    error: tcp[0].error ?? udp[0].error ?? null,
    tput1: pick(tcp, 'tput1'),
    tput64: pick(tcp, 'tput64'),
    lat: pick(tcp, 'lat'),
    ccr: pick(tcp, 'ccr'),
    udp1: pick(udp, 'udp1'),
    udp16: pick(udp, 'udp16'),
  };
}
