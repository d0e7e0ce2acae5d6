// One analysis driven a slice at a time, so that the connection keeps reading and answering
// messages while a large document is analysed, and so that a stale analysis can be dropped.
import type { Analysis } from '../engine/analyze';

const SLICE_MS = 10;

export class AnalysisRun {
  private stopped = false;

  constructor(
    steps: Generator<void, Analysis, void>,
    onDone: (analysis: Analysis) => void,
    onError: (error: unknown) => void,
  ) {
    const slice = () => {
      if (this.stopped) return;
      const deadline = performance.now() + SLICE_MS;
      try {
        for (;;) {
          const step = steps.next();
          if (step.done) return onDone(step.value);
          if (this.stopped) return;
          if (performance.now() >= deadline) break;
        }
      } catch (error) {
        return onError(error);
      }
      setImmediate(slice);
    };
    setImmediate(slice);
  }

  /** Abandons the analysis: no callback is called after this. */
  stop(): void {
    this.stopped = true;
  }
}
