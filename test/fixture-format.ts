// Fixture files keep the input and the expected output together. A fixture is a .vpcrules file
// whose comment lines may carry expectations about the nearest line above that is not itself
// an expectation:
//
//   #     ^^^^ error VR101: port 70000      a diagnostic starting at the first caret's column,
//                                            as long as the carets, whose message contains the text
//   #< warning VR300: host bits              a diagnostic starting at column 0 (any length)
//   #=> partial; witness: tcp 1.0.0.1:1024 -> 10.0.1.10:443; split: dropped for 1024-32767
//                                            the verdict of the flow declared on that line, and
//                                            optionally its witness and (a part of) its split
//
// Every diagnostic the file produces must be expected, and every expectation met.

export interface ExpectedDiagnostic {
  line: number;
  character: number;
  /** Undefined when the annotation does not pin the length. */
  length?: number;
  severity: string;
  code: string;
  message?: string;
  annotationLine: number;
}

export interface ExpectedVerdict {
  line: number;
  verdict: string;
  witness?: string;
  split?: string;
  annotationLine: number;
}

const CARET = /^#(\s*)(\^+)\s+(error|warning|information|hint)\s+(VR\d+)(?::\s*(.*?))?\s*$/;
const COLUMN_ZERO = /^#<\s+(error|warning|information|hint)\s+(VR\d+)(?::\s*(.*?))?\s*$/;
const VERDICT = /^#=>\s*(allow|deny|partial)\s*(?:;(.*))?$/;

export function isAnnotation(line: string): boolean {
  return CARET.test(line) || COLUMN_ZERO.test(line) || VERDICT.test(line);
}

export function readExpectations(text: string): { diagnostics: ExpectedDiagnostic[]; verdicts: ExpectedVerdict[] } {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const diagnostics: ExpectedDiagnostic[] = [];
  const verdicts: ExpectedVerdict[] = [];
  let target = -1;
  lines.forEach((line, index) => {
    const caret = CARET.exec(line);
    const zero = COLUMN_ZERO.exec(line);
    const verdict = VERDICT.exec(line);
    if (caret) {
      diagnostics.push({ line: target, character: 1 + caret[1].length, length: caret[2].length, severity: caret[3], code: caret[4], message: caret[5] || undefined, annotationLine: index });
    } else if (zero) {
      diagnostics.push({ line: target, character: 0, severity: zero[1], code: zero[2], message: zero[3] || undefined, annotationLine: index });
    } else if (verdict) {
      const expected: ExpectedVerdict = { line: target, verdict: verdict[1], annotationLine: index };
      for (const part of (verdict[2] ?? '').split(';').map((p) => p.trim()).filter(Boolean)) {
        const [key, ...rest] = part.split(':');
        const value = rest.join(':').trim();
        if (key.trim() === 'witness') expected.witness = value;
        else if (key.trim() === 'split') expected.split = value;
        else throw new Error(`line ${index + 1}: unknown verdict detail '${key}'`);
      }
      verdicts.push(expected);
    } else {
      target = index;
    }
  });
  return { diagnostics, verdicts };
}
