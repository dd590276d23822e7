const encoder = new TextEncoder();
/** 10^k: how many digits a number has, without dividing. */
const tens = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/**
 * JSON text written as UTF-8 into one growing buffer, reused after each reset(): the values come
 * out as JSON.stringify writes them. Plain ASCII strings (addresses, states, most commands) are
 * copied a character at a time; anything else goes through JSON.stringify and TextEncoder.
 */
export class JsonBytes {
  #buf = new Uint8Array(1 << 16);
  #n = 0;

  reset(): void {
    this.#n = 0;
  }

  /** The bytes written since the last reset: a view, valid until the next write. */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#n);
  }

  byte(code: number): void {
    this.#room(1);
    this.#buf[this.#n++] = code;
  }

  /** ASCII that needs no escaping (keys, punctuation), as it is. */
  raw(ascii: string): void {
    this.#room(ascii.length);
    const buf = this.#buf;
    let n = this.#n;
    for (let i = 0; i < ascii.length; i++) buf[n++] = ascii.charCodeAt(i);
    this.#n = n;
  }

  string(value: string): void {
    const length = value.length;
    this.#room(length + 2);
    const buf = this.#buf;
    let n = this.#n;
    buf[n++] = 0x22;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      // Printable ASCII but " and \: as it is. Anything else: JSON.stringify's escapes.
      if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) {
        this.#encoded(JSON.stringify(value));
        return;
      }
      buf[n++] = code;
    }
    buf[n++] = 0x22;
    this.#n = n;
  }

  nullableString(value: string | null): void {
    if (value === null) this.raw('null');
    else this.string(value);
  }

  number(value: number): void {
    // Unsigned 32-bit integers (ports, queues, inodes, pids, fds): digits written here.
    if (value !== value >>> 0) {
      this.raw(JSON.stringify(value));
      return;
    }
    let digits = 1;
    while (digits < 10 && value >= (tens[digits] as number)) digits++;
    this.#room(digits);
    const buf = this.#buf;
    let at = this.#n + digits;
    this.#n = at;
    let rest = value;
    while (rest >= 10) {
      const next = Math.floor(rest / 10);
      buf[--at] = 0x30 + rest - next * 10;
      rest = next;
    }
    buf[at - 1] = 0x30 + rest;
  }

  nullableNumber(value: number | null): void {
    if (value === null) this.raw('null');
    else this.number(value);
  }

  /** Text that may hold any character, encoded as UTF-8. */
  #encoded(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.#room(3 * text.length);
    this.#n += encoder.encodeInto(text, this.#buf.subarray(this.#n)).written;
  }

  #room(more: number): void {
    if (this.#n + more <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#n + more) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#n));
    this.#buf = grown;
  }
}
