export * from './endpoint.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './message.ts';
export * from './options.ts';
export * from './plugin.ts';
export * from './runtime.ts';
export * from './signals.ts';
