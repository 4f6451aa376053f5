/**
 * Progress for long stages: a single rewritten line on a terminal, plain
 * lines otherwise (and nothing for work that was only read from the cache).
 */
import type { StoreEvent } from './spec/store.ts';

export interface Progress {
  event(e: StoreEvent): void;
  done(): void;
}

export function fetchProgress(stream: NodeJS.WriteStream, total: number): Progress {
  let finished = 0;
  if (!stream.isTTY) {
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
