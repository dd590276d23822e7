export { clientCommand, generated } from './client-command.ts';
export {
  connectEcho,
  defaultClientTimeout,
  type EchoClient,
  type EchoClientOptions,
  type EchoResult,
  echoOnce,
  type RoundTrip,
} from './echo-client.ts';
export {
  createEchoServer,
  defaultDrainTimeout,
  defaultEchoPort,
  defaultMaxConnections,
  type EchoServerOptions,
  type EchoServerSummary,
} from './echo-server.ts';
export { tcpPlugin, tcpPlugin as default } from './plugin.ts';
export { type RttStats, rttStats } from './rtt-stats.ts';
export type { TcpAdapter } from './runtime/contract.ts';
export { loadAdapter } from './runtime/load-adapter.ts';
export { serverCommand } from './server-command.ts';
