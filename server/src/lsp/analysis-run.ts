// One analysis driven a slice at a time, so that the connection keeps reading and answering
// messages while a large document is analysed, and so that a stale analysis can be dropped.
import type { Analysis } from '../engine/analyze';

/** How a run takes its turns: how long a slice may last, and how the next one is scheduled. */
export interface RunPace {
  sliceMs: number;
  schedule: (slice: () => void) => void;
}

/** An open document's analysis: slices of 10 ms, each after the messages already read. */
const FOREGROUND: RunPace = { sliceMs: 10, schedule: (slice) => setImmediate(slice) };

export class AnalysisRun {
  private stopped = false;

  constructor(
    steps: Generator<void, Analysis, void>,
    onDone: (analysis: Analysis) => void,
    onError: (error: unknown) => void,
    pace: RunPace = FOREGROUND,
  ) {
    const slice = () => {
      if (this.stopped) return;
      const deadline = performance.now() + pace.sliceMs;
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
      pace.schedule(slice);
    };
    pace.schedule(slice);
  }

  /** Abandons the analysis: no callback is called after this. */
  stop(): void {
    this.stopped = true;
  }
}
