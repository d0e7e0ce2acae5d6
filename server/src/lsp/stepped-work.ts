// Work that the engine gives as steps (a generator), run a slice at a time like an analysis
// (analysis-run.ts), so that the connection keeps reading and answering messages in between; it
// stops between two steps when the request is cancelled.
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';

const SLICE_MS = 10;

/** Runs `steps` to the end in ~10 ms slices; `afterSlice` is called between slices. Rejects with RequestCancelled once `isCancelled` answers true. */
export function runInSlices<T>(steps: Generator<void, T, void>, isCancelled: () => boolean, afterSlice?: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const slice = () => {
      if (isCancelled()) return reject(new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled'));
      const deadline = performance.now() + SLICE_MS;
      try {
        for (;;) {
          const step = steps.next();
          if (step.done) return resolve(step.value);
          if (performance.now() >= deadline) break;
        }
        afterSlice?.();
      } catch (error) {
        return reject(error);
      }
      setImmediate(slice);
    };
    setImmediate(slice);
  });
}
