import { unixPlugin } from './plugin.ts';

export default unixPlugin;
export { unixPlugin } from './plugin.ts';
export { type RequestUnixOptions, requestUnix } from './unix-client.ts';
export { type ServeUnixOptions, serveUnix } from './unix-server.ts';
