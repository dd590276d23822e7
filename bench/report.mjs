// The markdown table (stdout, results/*.md) from the rows every section returns.

const TITLES = {
  tcp: 'TCP echo',
  idle: 'TCP idle connections',
  udp: 'UDP request/reply',
  inspect: 'Inspector',
  start: 'CLI cold start',
};

export function fmt(v) {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '—';
  if (typeof v === 'string') return v;
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

const ratioText = (r) =>
  r ? `${r.min.toFixed(2)} / **${r.median.toFixed(2)}** / ${r.max.toFixed(2)}` : '—';
const goalText = (g) =>
  !g ? '—' : g.op === 'all' ? 'all echo' : `${g.op === '>=' ? '≥' : '≤'} ${g.value.toFixed(2)}×`;
const cell = (s) => String(s).replaceAll('|', '\\|').replaceAll('\n', ' ');

function valueText(row) {
  if (row.value === null || row.value === undefined)
    return row.note ? `not run: ${cell(row.note).slice(0, 120)}` : '—';
  return `${fmt(row.value)}${row.unit ? ` ${row.unit}` : ''}`;
}

function baselineText(row) {
  if (row.baselineValue === null || row.baselineValue === undefined) {
    return row.baselineError ? `not run: ${cell(row.baselineError).slice(0, 80)}` : '—';
  }
  return `${fmt(row.baselineValue)}${row.unit ? ` ${row.unit}` : ''} (${row.baseline})`;
}

function sectionTable(rows) {
  const out = [
    '| runtime | server / tool | measure | baseline (median) | this (median) | ratio min / **median** / max | goal | result |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    out.push(
      `| ${r.runtime} | ${cell(r.subject)} | ${cell(r.measure)} | ${baselineText(r)} | ${valueText(r)} | ${ratioText(r.ratio)} | ${goalText(r.goal)} | ${r.result === 'PASS' ? 'PASS' : r.result === 'MISS' ? '**MISS**' : r.result} |`,
    );
  }
  return out.join('\n');
}

/** Client-check table: the load client's ceiling against C servers vs the fastest JS server. */
function clientTable(check, allRows, clientCpu) {
  if (!check) return null;
  if (check.error) return `Load client check failed: ${check.error}`;
  const fastest = (section, measure, higher) => {
    let best = null;
    for (const r of allRows) {
      if (r.section !== section || r.measure !== measure) continue;
      for (const [v, who] of [
        [r.value, `${r.runtime} ${r.subject}`],
        [r.baselineValue, `${r.runtime} ${r.baseline}`],
      ]) {
        if (
          typeof v === 'number' &&
          Number.isFinite(v) &&
          (best === null || (higher ? v > best.v : v < best.v))
        )
          best = { v, who };
      }
    }
    return best;
  };
  const maxCpu = (ids) => {
    const v = clientCpu
      .filter((c) => ids.includes(c.id) && Number.isFinite(c.pct))
      .map((c) => c.pct);
    return v.length ? `${Math.max(...v).toFixed(0)} %` : '—';
  };
  const lines = [
    '| measure | C epoll echo server | fastest JS server in this run (median) | client headroom | load client CPU, max of all runs (one core = 100 %) |',
    '|---|---|---|---|---|',
  ];
  const add = (name, c, unit, section, measure, higher, ids) => {
    if (!c) return;
    const best = fastest(section, measure, higher);
    const headroom = best ? (higher ? c / best.v : best.v / c) : null;
    lines.push(
      `| ${name} | ${fmt(c)} ${unit} | ${best ? `${fmt(best.v)} ${unit} (${best.who})` : '—'} | ${headroom ? `${headroom.toFixed(2)}×` : '—'} | ${maxCpu(ids)} |`,
    );
  };
  add(
    'TCP throughput, 1 connection',
    check.tput1?.mibps,
    'MiB/s',
    'tcp',
    'throughput, 1 connection',
    true,
    ['tput1'],
  );
  add(
    'TCP throughput, 64 connections',
    check.tput64?.mibps,
    'MiB/s',
    'tcp',
    'throughput, 64 connections',
    true,
    ['tput64'],
  );
  add('TCP latency p50', check.lat?.p50, 'µs', 'tcp', 'latency p50, 64 B ping-pong', false, [
    'lat',
  ]);
  add(
    'TCP connect-send-receive-close',
    check.ccr?.rate,
    '/s',
    'tcp',
    'connect-send-receive-close rate (32 in flight)',
    true,
    ['ccr'],
  );
  add(
    'UDP request/reply, 1 socket',
    check.udp1?.rate,
    'req/s',
    'udp',
    'request/reply rate, 64 B, 1 socket',
    true,
    ['udp1'],
  );
  add(
    'UDP request/reply, 16 sockets',
    check.udp16?.rate,
    'req/s',
    'udp',
    'request/reply rate, 64 B, 16 sockets',
    true,
    ['udp16'],
  );
  return lines.join('\n');
}

/** One line per goal, one column per runtime: the median ratio and PASS/MISS. */
function goalsTable(rows, runtimesList) {
  const goalRows = rows.filter((r) => r.goal && r.socklab);
  if (goalRows.length === 0) return null;
  const order = Object.keys(TITLES);
  const sorted = [...goalRows].sort((a, b) => order.indexOf(a.section) - order.indexOf(b.section));
  const keys = [...new Set(sorted.map((r) => `${r.section}\u0000${r.measure}`))];
  const lines = [
    `| goal | ${runtimesList.join(' | ')} |`,
    `|---|${runtimesList.map(() => '---').join('|')}|`,
  ];
  for (const key of keys) {
    const [section, measure] = key.split('\u0000');
    const first = goalRows.find((r) => r.section === section && r.measure === measure);
    const what =
      section === 'inspect' ? `${first.subject} ${measure} vs ${first.baseline}` : measure;
    const name = `${TITLES[section]}: ${what} ${goalText(first.goal)}`;
    const cells = runtimesList.map((rt) => {
      const r = goalRows.find(
        (x) => x.section === section && x.measure === measure && x.runtime === rt,
      );
      if (!r) return '';
      if (r.result === 'n/a') return 'n/a';
      const verdictText = r.result === 'MISS' ? '**MISS**' : r.result;
      return r.ratio ? `${r.ratio.median.toFixed(2)}× ${verdictText}` : verdictText;
    });
    lines.push(`| ${cell(name)} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function renderMarkdown(result) {
  const { machine, profile, rows, clientCheck, clientCpu, inspectInfo, errors } = result;
  const out = [];
  out.push(`## socklab bench: ${profile.name} run, ${machine.date}`);
  out.push('');
  out.push(
    `Machine: ${machine.nproc} × ${machine.cpu}, Linux ${machine.kernel}; ${machine.versions.map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  );
  if (machine.removedEnv?.length)
    out.push(
      '',
      `Left out of every command's environment: ${machine.removedEnv.join(', ')} (set where the bench ran; NODE_EXTRA_CA_CERTS makes every Node start read a CA bundle, ~70 ms here, though nothing measured makes a TLS connection).`,
    );
  out.push('');
  out.push(
    `Each row: ${profile.reps} repetition(s), each with freshly started servers (baseline and socklab together), the order rotated, all warmed up first. ` +
      'Ratio = this ÷ baseline per repetition (min / **median** / max); PASS/MISS compares the median with the goal. ' +
      'Server CPU is the server process’s own time (all threads) from /proc schedstat.',
  );
  const goals = goalsTable(rows, result.runtimes);
  if (goals) out.push('', '### Goals (median ratio socklab ÷ baseline)', '', goals);
  for (const section of ['tcp', 'idle', 'udp', 'inspect', 'start']) {
    const sel = rows.filter((r) => r.section === section);
    if (sel.length === 0) continue;
    out.push('', `### ${TITLES[section]}`, '');
    if (section === 'inspect' && inspectInfo?.held) {
      out.push(
        `${inspectInfo.held} established loopback connections held by two helper processes; /proc/net/tcp and tcp6 listed ${inspectInfo.tcpSockets} sockets. Wall time includes process start; peak RSS from /usr/bin/time (or VmHWM polled every 5 ms where it is missing). ${profile.inspectRounds} round(s), order rotated.`,
        '',
      );
    }
    if (section === 'tcp' && sel.some((r) => /^(socat|ncat)/.test(r.subject))) {
      out.push(
        'socat and ncat fork a process per connection: their rows run 2 repetitions and each measure stops after 3 s.',
        '',
      );
    }
    if (section === 'udp' && sel.some((r) => r.subject.startsWith('seed'))) {
      out.push(
        'The seed\'s udp_server.py, changed only to loop and to bind 127.0.0.1, replies "Message received." rather than echoing; its prints go to /dev/null.',
        '',
      );
    }
    out.push(sectionTable(sel));
  }
  const client = clientTable(clientCheck, rows, clientCpu ?? []);
  if (client)
    out.push(
      '',
      '### Load client check',
      '',
      'The same C load client against C epoll echo servers. Headroom above 1× means the client (its best repetition) can go faster than the fastest JS server did (median); ' +
        'client CPU below 100 % means it spent its time waiting for the server. Connect-send-receive-close is different: on loopback the ' +
        "client's kernel does most of the handshake, so that row is bounded by the machine as much as by the server, and has no goal.",
      '',
      client,
    );
  if (errors.length) out.push('', '### Errors', '', ...errors.map((e) => `- ${cell(e)}`));
  const judged = rows.filter((r) => r.result === 'PASS' || r.result === 'MISS');
  out.push(
    '',
    `Goals: ${judged.filter((r) => r.result === 'PASS').length} PASS, ${judged.filter((r) => r.result === 'MISS').length} MISS, ${rows.filter((r) => r.result === 'n/a').length} not measured.`,
  );
  return `${out.join('\n')}\n`;
}
