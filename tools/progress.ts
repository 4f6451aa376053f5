/**
 * Progress for long stages: a single rewritten line on a terminal, plain
 * lines otherwise (and nothing for work that was only read from the cache).
 * Which one is the caller's to say, by the CLI's rule (tools/command.ts
 * showProgress): the layers below the command line do not import it.
 */
import type { StoreEvent } from './spec/store.ts';

export interface Progress {
  event(e: StoreEvent): void;
  done(): void;
}

/** `terminal`: whether `stream` is one that shows progress (tools/command.ts showProgress, the CLI's rule). */
export function fetchProgress(stream: NodeJS.WriteStream, total: number, terminal: boolean): Progress {
  let finished = 0;
  if (!terminal) {
    return {
      event(e) {
        if (e.state === 'done' && e.from !== 'cache') stream.write(`fetched ${e.doc} from ${e.from}\n`);
      },
      done() {},
    };
  }
  let shown = false;
  return {
    event(e) {
      if (e.state !== 'start') finished++;
      stream.write(`\r\x1b[Kfetching [${finished}/${total}] ${e.doc}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
