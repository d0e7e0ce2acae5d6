// vpcrules/import: the import of AWS CLI or Terraform JSON (`vpcrules import`) for the editor. The
// client reads the files the user picked and sends their text; the server tells the source apart
// (or says it cannot, and the client asks), imports, and answers one `.vpcrules` text per VPC with
// its summary, or the one-line message of input that cannot be imported.
import { CancellationToken, Connection, ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { detectSource, ImportInputError, InputFile, SOURCES, summaryText, writeDescription } from '../import';

export const IMPORT_METHOD = 'vpcrules/import';

export interface ImportParams {
  files: InputFile[];
  /** `aws` or `terraform`; absent: told from the files. */
  source?: string;
}

export type ImportResult =
  | { kind: 'imported'; source: string; files: { vpcId: string; name: string; text: string; summary: string; notRepresented: number }[] }
  /** The files are not recognisably one source or the other: the client asks which. */
  | { kind: 'unknown-source' }
  | { kind: 'error'; message: string };

function isFile(value: unknown): value is InputFile {
  return value !== null && typeof value === 'object' && typeof (value as InputFile).path === 'string' && typeof (value as InputFile).text === 'string';
}

export function importJson(params: unknown): ImportResult {
  const { files, source } = (params ?? {}) as Partial<ImportParams>;
  if (!Array.isArray(files) || files.length === 0 || !files.every(isFile)) {
    throw new ResponseError(ErrorCodes.InvalidParams, 'vpcrules/import needs files: [{ path, text }]');
  }
  if (source !== undefined && !(source in SOURCES)) throw new ResponseError(ErrorCodes.InvalidParams, `unknown import source '${String(source)}'`);
  const chosen = source ?? detectSource(files);
  if (!chosen) return { kind: 'unknown-source' };
  try {
    const written = writeDescription(SOURCES[chosen](files));
    return {
      kind: 'imported',
      source: chosen,
      files: written.map((file) => ({
        vpcId: file.vpcId, name: file.name, text: file.text, summary: summaryText(file.summary), notRepresented: file.summary.skipped.length,
      })),
    };
  } catch (error) {
    if (error instanceof ImportInputError) return { kind: 'error', message: error.message };
    throw error;
  }
}

export function registerImport(connection: Connection): void {
  connection.onRequest(IMPORT_METHOD, (params: unknown, token: CancellationToken) => {
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
    try {
      return importJson(params);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      connection.console.error(`vpcrules: import failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return { kind: 'error', message: `the import failed: ${error instanceof Error ? error.message : String(error)}` } satisfies ImportResult;
    }
  });
}
