import type { UserLookup } from '../parsers/proc-net.ts';

const cache = new Map<string, Map<number, string>>();

/** uid → name from a passwd file's text ("name:x:uid:…" lines); malformed lines are skipped. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const parts = line.split(':');
    if (parts.length < 3 || parts[0] === '' || line.startsWith('#')) continue;
    const uid = Number(parts[2]);
    if (Number.isInteger(uid) && uid >= 0 && !users.has(uid)) users.set(uid, parts[0] as string);
  }
  return users;
}

/** A uid → user name lookup from a passwd file, read once per path (missing file: no names). */
export function passwdUsers(path: string, readTextSync: (path: string) => string): UserLookup {
  let users = cache.get(path);
  if (!users) {
    try {
      users = parsePasswd(readTextSync(path));
    } catch {
      users = new Map();
    }
    cache.set(path, users);
  }
  const known = users;
  return (uid) => known.get(uid) ?? null;
}
