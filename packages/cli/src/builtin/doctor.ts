import { createEventClock, defineCommand, definePlugin, type Plugin } from '@socklab/core';

const doctor = defineCommand({
  name: 'doctor',
  summary: 'check the runtime, loopback IPv4/IPv6, binding, /proc access and permissions',
  options: {},
  examples: ['socklab doctor', 'socklab doctor --json'],
  async *run() {
    const event = createEventClock();
    // The checks (node:net, node:dgram) load when they run, not when help lists the doctor.
    const { runDoctorChecks } = await import('./doctor-checks.ts');
    const checks = await runDoctorChecks();
    const width = Math.max(...checks.map((c) => c.label.length));
    for (const check of checks) {
      const mark = check.ok === false ? '!' : ' ';
      const hint = check.hint ? `\n${' '.repeat(width + 4)}${check.hint}` : '';
      yield event('info', {
        message: `${mark} ${check.label.padEnd(width)}  ${check.value}${hint}`,
        details: {
          check: check.id,
          ok: check.ok,
          value: check.value,
          ...(check.hint ? { hint: check.hint } : {}),
        },
      });
    }
  },
});

/** `socklab doctor`: what works here, and what to do about what does not. */
export const doctorPlugin: Plugin = definePlugin({
  name: 'doctor',
  summary: 'check what socklab can do on this machine and runtime',
  commands: [doctor],
});
