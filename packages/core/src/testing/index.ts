export * from './check-event.ts';
export * from './check-plugin.ts';
export * from './run-command.ts';
