import { udpPlugin } from './plugin.ts';

export default udpPlugin;
export { checkDatagramSize, maxDatagramIPv4, maxDatagramIPv6 } from './datagram-limits.ts';
export { udpPlugin } from './plugin.ts';
export type { DatagramHandler, UdpAdapter, UdpBindOptions, UdpSocket } from './runtime/contract.ts';
export { loadAdapter } from './runtime/load-adapter.ts';
export {
  defaultBufferSize,
  exchange,
  type SendAndReceiveOptions,
  seedBufferSize,
  sendAndReceive,
  type UdpReply,
} from './send-and-receive.ts';
export {
  defaultReply,
  defaultServerPort,
  type ServeSummary,
  type ServeUdpOptions,
  serveUdp,
} from './serve-udp.ts';
