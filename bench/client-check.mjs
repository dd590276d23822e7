// Shows the load client is not the bottleneck: the same client against C epoll echo servers
// (the fastest server this machine can run) must go well beyond every JS server measured.
import { runGroup } from './group.mjs';
import { cServer } from './servers.mjs';
import { median } from './stats.mjs';
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
  // Per metric, the median over the repetitions.
  const pick = (state, id) => {
    const runs = (state[0].runs[id] ?? []).filter(Boolean);
    if (runs.length === 0) return null;
    return Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
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
