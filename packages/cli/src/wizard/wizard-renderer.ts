import type { Readable } from 'node:stream';
import type { LabEvent } from '@socklab/core';
import type { CliIO, StopSignal } from '../io.ts';
import {
  createPlainRenderer,
  escapeControls,
  formatTraceLine,
  type Renderer,
  type RenderTarget,
} from '../render/index.ts';
import type { Spinner } from './spinner.ts';
import { wrapText } from './wrap-text.ts';

const utf8 = new TextDecoder();

export interface WizardRendererOptions {
  spinner: Spinner;
  /** What the spinner says while nothing has happened yet. */
  waiting: string;
  /** A server: the spinner runs until its ready line (a `listen` or `bind` event). */
  server: boolean;
  color: boolean;
  /** Called once when the command is ready: a server's ready line, or a client's first event. */
  onReady?: () => void;
}

/** The guide bar clack draws on the left, so the run's lines sit inside the wizard's frame. */
export const guide = '│  ';

/** Where the wizard renders a run: the framed IO, which can end a line a piece left open. */
export interface FramedTarget extends RenderTarget {
  /** Ends the line the last piece left open, if any: what follows starts a line of its own. */
  endLine(): void;
  /**
   * Whole lines of words on stdout (an event's message, never JSON): wrapped at the terminal's
   * width inside the frame, as stderr's lines are; `style` (dim) is put on each wrapped line, so
   * its codes never count as width.
   */
  lines(text: string, style?: (line: string) => string): void;
}

/**
 * Readable lines for the wizard: each event's message as the CLI prints it, and a dim trace line
 * for events that have none (sends, connects…), so the run can be watched. The spinner turns
 * until the command is ready. Output given as bytes (`inspect --json`: the JSON array, 128
 * entries an event) is one text: its pieces continue one line behind one guide bar, so the
 * JSON reads and copies whole instead of a bar before each piece.
 */
export function createWizardRenderer(
  framed: FramedTarget,
  options: WizardRendererOptions,
): Renderer {
  // The wizard runs on a terminal: peer text is escaped there.
  const terminal = { stdout: true, stderr: true };
  // Messages are words (a table view's rows too): they wrap inside the frame, not at the
  // terminal's edge under no bar.
  const plain = createPlainRenderer(
    {
      ...framed,
      stdout: (text) => framed.lines(typeof text === 'string' ? text : utf8.decode(text)),
    },
    { terminal },
  );
  let ready = false;
  return {
    event(event: LabEvent) {
      const toStderr = event.notice === true || event.type === 'error' || event.type === 'timeout';
      if (event.output !== undefined && !toStderr) {
        framed.stdout(escapeControls(utf8.decode(event.output)));
      } else {
        framed.endLine();
        if (event.message !== undefined || event.output !== undefined) plain.event(event);
        // A last error or timeout without a line of its own: the failure line that follows says it.
        else if (event.type !== 'error' && event.type !== 'timeout') {
          // Trace lines are words too: at 80 columns a send line ran past the frame's edge.
          const trace = `${formatTraceLine(event, { terminal })}\n`;
          framed.lines(trace, (line) => dim(line, options.color));
        }
      }
      const started =
        event.type === 'listen' ||
        event.type === 'bind' ||
        (event.details as { ready?: unknown } | undefined)?.ready === true;
      if (!ready && (!options.server || started)) {
        ready = true;
        options.onReady?.();
      }
      if (ready) return;
      // The spinner draws over the line it is on.
      framed.endLine();
      options.spinner.start(options.waiting);
    },
  };
}

export interface FramedIOOptions {
  spinner: Spinner;
  /** Called on Ctrl-C (the key or the signal), before the command's own handler. */
  onInterrupt: () => void;
  /** The wizard's terminal, read for the Ctrl-C key while the command runs. */
  keys?: Readable;
  /** The terminal's width (80 unless said). */
  columns?: number;
}

/**
 * The CLI's IO as the running command sees it in the wizard: every line it prints (events, and
 * the failure line) sits behind the guide bar, and stops the spinner first so they never mix.
 * A piece that does not end its line is continued by the next piece, with no bar inside the line;
 * `endLine` ends such a line. Lines on stderr (notices, the failure line: always words) and
 * `lines` (messages) wrap at `columns` inside the frame; stdout's go as they are, as they may be
 * JSON that a bar would cut.
 * On Ctrl-C a carriage return lets the next line overwrite the terminal's `^C`.
 *
 * With `keys` (the wizard's terminal), Ctrl-C is read as a key while the command runs, not sent
 * as SIGINT to the whole foreground process group: under `npm start` that signal also killed npm
 * and its shell (exit 130) while socklab stopped its server cleanly (exit 0). Standard input is
 * the terminal here, so the command gets none ("-" as a payload asks for a message instead).
 */
export function framedIO(io: CliIO, options: FramedIOOptions): CliIO & FramedTarget {
  const { spinner, onInterrupt, keys, columns = 80 } = options;
  const { stdin: _terminal, ...rest } = io;
  // The stream whose last piece left its line open: only a piece to that stream continues it.
  let open: 'stdout' | 'stderr' | undefined;
  const endLine = () => {
    if (open === undefined) return;
    const stream = open;
    open = undefined;
    io[stream]('\n');
  };
  const write = (
    stream: 'stdout' | 'stderr',
    text: string,
    words = stream === 'stderr',
    style = (line: string) => line,
  ) => {
    spinner.stop();
    if (text === '') return;
    if (open !== stream) endLine();
    const wrap = words && open === undefined && text.endsWith('\n');
    const shown = wrap ? `${wrapText(text.slice(0, -1), columns).map(style).join('\n')}\n` : text;
    io[stream](frame(shown, open === undefined));
    open = text.endsWith('\n') ? undefined : stream;
  };
  return {
    ...rest,
    stdout: (text) => write('stdout', typeof text === 'string' ? text : utf8.decode(text)),
    stderr: (text) => write('stderr', text),
    lines: (text, style) => write('stdout', text, true, style),
    endLine,
    // A second Ctrl-C exits at once: close the frame as the outro would have.
    forceExit: io.forceExit
      ? (code) => {
          spinner.stop();
          endLine();
          io.stdout(`└  Stopped at once (exit ${code})\n`);
          (io.forceExit as NonNullable<CliIO['forceExit']>)(code);
        }
      : undefined,
    onSignal: io.onSignal
      ? (handler) => {
          const interrupt = (signal: StopSignal) => {
            onInterrupt();
            handler(signal);
          };
          const stopSignals = (io.onSignal as NonNullable<CliIO['onSignal']>)(interrupt);
          const stopKeys = keys ? readCtrlC(keys, () => interrupt('SIGINT')) : undefined;
          return () => {
            stopKeys?.();
            stopSignals?.();
          };
        }
      : undefined,
  };
}

/** The Ctrl-C key (byte 3) on a terminal put in raw mode; returns what restores it. */
export function readCtrlC(input: Readable, onCtrlC: () => void): (() => void) | undefined {
  const tty = input as Readable & {
    isTTY?: boolean;
    isRaw?: boolean;
    setRawMode?: (raw: boolean) => unknown;
  };
  if (!tty.isTTY || typeof tty.setRawMode !== 'function') return undefined;
  const wasRaw = tty.isRaw === true;
  tty.setRawMode(true);
  const onData = (chunk: Uint8Array | string) => {
    const bytes = typeof chunk === 'string' ? utf8Encoder.encode(chunk) : chunk;
    for (const byte of bytes) if (byte === ctrlC) onCtrlC();
  };
  input.on('data', onData);
  input.resume();
  return () => {
    input.off('data', onData);
    input.pause();
    tty.setRawMode?.(wasRaw);
  };
}

const ctrlC = 3;
const utf8Encoder = new TextEncoder();

/** The guide bar at each line start in `text`: its first character when `atLineStart`. */
function frame(text: string, atLineStart: boolean): string {
  const ended = text.endsWith('\n');
  const body = (ended ? text.slice(0, -1) : text).replaceAll('\n', `\n${guide}`);
  return `${atLineStart ? guide : ''}${body}${ended ? '\n' : ''}`;
}

function dim(text: string, color: boolean): string {
  return color ? `\u001b[2m${text}\u001b[22m` : text;
}
