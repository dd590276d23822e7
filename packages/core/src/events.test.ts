import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressFamily,
  createEventClock,
  eventAddress,
  eventMessage,
  eventToJSON,
  labEventTypes,
  maxEventText,
  payloadFields,
  withMessage,
} from './events.ts';
import { textToBytes } from './message.ts';

const numRuns = process.env.SOCKLAB_STRESS ? 10_000 : 200;
const utf8Length = (s: string) => textToBytes(s).length;

describe('createEventClock', () => {
  it('stamps ISO time and monotonic elapsedMs', async () => {
    const event = createEventClock();
    const first = event('listen', { proto: 'udp', local: eventAddress('127.0.0.1', 5000) });
    await new Promise((r) => setTimeout(r, 15));
    const second = event('close');
    expect(first.type).toBe('listen');
    expect(first.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(new Date(first.time).toISOString()).toBe(first.time);
    expect(Math.abs(Date.parse(first.time) - Date.now())).toBeLessThan(1000);
    expect(first.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(second.elapsedMs - first.elapsedMs).toBeGreaterThanOrEqual(10);
    expect(Date.parse(second.time)).toBeGreaterThanOrEqual(Date.parse(first.time));
    expect(first.local).toEqual({ address: '127.0.0.1', port: 5000, family: 'IPv4' });
  });

  it('counts from the given start', () => {
    const event = createEventClock(performance.now() - 1000);
    expect(event('info').elapsedMs).toBeGreaterThanOrEqual(1000);
  });

  it('lists exactly the event types of the design', () => {
    expect([...labEventTypes].sort()).toEqual(
      [
        'resolve',
        'bind',
        'listen',
        'connect',
        'accept',
        'send',
        'recv',
        'close',
        'timeout',
        'error',
        'info',
      ].sort(),
    );
  });
});

describe('payloadFields', () => {
  it('carries bytes, the raw payload and the text when it is UTF-8', () => {
    const data = textToBytes('Hello');
    expect(payloadFields(data)).toEqual({ bytes: 5, payload: data, text: 'Hello' });
    expect(payloadFields(new Uint8Array([0xff, 0xfe]))).toEqual({
      bytes: 2,
      payload: new Uint8Array([0xff, 0xfe]),
    });
  });

  it('cuts text at 1 KiB on a character boundary', () => {
    // 1023 ASCII bytes then a 3-byte character: the cut must drop the whole character.
    const text = `${'a'.repeat(1023)}€tail`;
    const fields = payloadFields(textToBytes(text));
    expect(fields.text).toBe('a'.repeat(1023));
    expect(fields.bytes).toBe(utf8Length(text));
    expect(payloadFields(textToBytes('a'.repeat(2000))).text).toBe('a'.repeat(1024));
    expect(payloadFields(textToBytes('€'.repeat(400))).text).toBe('€'.repeat(341));
  });

  it('always gives a prefix of the text of at most 1 KiB', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 1500 }), (s) => {
        const { text, bytes } = payloadFields(textToBytes(s));
        return (
          bytes === utf8Length(s) &&
          text !== undefined &&
          s.startsWith(text) &&
          utf8Length(text) <= maxEventText &&
          (bytes <= maxEventText ? text === s : utf8Length(text) > maxEventText - 4)
        );
      }),
      { numRuns },
    );
  });

  it('never gives text for bytes that are not UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        const { text } = payloadFields(b);
        return text === undefined || textToBytes(text).every((x, i) => x === b[i]);
      }),
      { numRuns },
    );
  });
});

describe('eventToJSON', () => {
  it('drops the raw payload and adds hex only when asked', () => {
    const event = createEventClock()('recv', { proto: 'udp', ...payloadFields(textToBytes('Hi')) });
    const plain = eventToJSON(event);
    expect(plain).not.toHaveProperty('payload');
    expect(plain).not.toHaveProperty('hex');
    expect(plain).toMatchObject({ type: 'recv', bytes: 2, text: 'Hi' });
    expect(eventToJSON(event, { hex: true }).hex).toBe('4869');
    expect(event.payload).toBeInstanceOf(Uint8Array);
    const parsed = JSON.parse(JSON.stringify(eventToJSON(event, { hex: true })));
    expect(parsed).toEqual({ ...plain, hex: '4869' });
  });

  it('gives a message sent as output bytes as text (message wins when both are there)', () => {
    const output = textToBytes('[{"a":"\u65e5"}]');
    const event = createEventClock()('info', { output, details: { entries: 1 } });
    expect(eventMessage(event)).toBe('[{"a":"\u65e5"}]');
    expect(eventMessage({ ...event, message: 'words' })).toBe('words');
    expect(eventMessage(createEventClock()('bind'))).toBeUndefined();
    const text = withMessage(event);
    expect(text).not.toHaveProperty('output');
    expect(text).toMatchObject({
      type: 'info',
      message: '[{"a":"\u65e5"}]',
      details: { entries: 1 },
    });
    // Decoded at once: the command may reuse the array afterwards.
    output.fill(0x20);
    expect(text.message).toBe('[{"a":"\u65e5"}]');
    expect(eventToJSON(withMessage({ ...event, output: textToBytes('x') }))).toMatchObject({
      message: 'x',
    });
    expect(eventToJSON({ ...event, output: textToBytes('y') })).not.toHaveProperty('output');
    expect(eventToJSON({ ...event, output: textToBytes('y') }).message).toBe('y');
  });

  it('keeps a hex the plugin already set', () => {
    const event = { ...createEventClock()('send', payloadFields(textToBytes('A'))), hex: 'custom' };
    expect(eventToJSON(event, { hex: true }).hex).toBe('custom');
  });
});

describe('NDJSON lines', () => {
  it('every event is one line of JSON that parses back, whatever its text and payload', () => {
    const event = createEventClock();
    fc.assert(
      fc.property(
        fc.constantFrom(...labEventTypes),
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })),
        fc.uint8Array({ maxLength: 64 }),
        fc.boolean(),
        (type, text, payload, hex) => {
          const e = event(type, { message: text, reason: text, ...payloadFields(payload) });
          const line = JSON.stringify(eventToJSON(e, { hex }));
          const back = JSON.parse(line);
          return (
            !line.includes('\n') &&
            back.type === type &&
            back.message === text &&
            back.bytes === payload.length &&
            (!hex || back.hex.length === payload.length * 2)
          );
        },
      ),
      { numRuns },
    );
  });
});

describe('event addresses', () => {
  it('knows IPv4, IPv6 and unix sockets', () => {
    expect(addressFamily('::1')).toBe('IPv6');
    expect(addressFamily('10.0.0.1')).toBe('IPv4');
    expect(eventAddress('::1', 80)).toEqual({ address: '::1', port: 80, family: 'IPv6' });
    expect(eventAddress('/tmp/a:b.sock', 0, 'unix')).toEqual({
      address: '/tmp/a:b.sock',
      port: 0,
      family: 'unix',
    });
    expect(eventAddress('127.0.0.1', 1, 6)).toEqual({
      address: '127.0.0.1',
      port: 1,
      family: 'IPv6',
    });
    expect(eventAddress('::ffff:127.0.0.1', 1, 'IPv4').family).toBe('IPv4');
  });
});
