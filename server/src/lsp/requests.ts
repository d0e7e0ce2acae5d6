// What every request handler shares: a cancelled request is answered with RequestCancelled, an
// unknown document with null, and an internal failure is logged and answered with null instead
// of taking the server down.
import { CancellationToken, Connection, ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type { AnalysisSource, AnalyzedDocument } from './analysis-source';

function throwIfCancelled(token: CancellationToken): void {
  if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

export type AnalyzedHandler<R> = (analyzed: AnalyzedDocument, token: CancellationToken) => R | null;

/** Runs `handler` on the current analysis of `uri`; null for a document that is not open. */
export async function onAnalyzed<R>(
  connection: Connection, source: AnalysisSource, uri: unknown, token: CancellationToken, handler: AnalyzedHandler<R>,
): Promise<R | null> {
  throwIfCancelled(token);
  if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'the request needs the uri of a document');
  const analyzed = await source.get(uri, token);
  throwIfCancelled(token);
  if (!analyzed) return null;
  try {
    return handler(analyzed, token);
  } catch (error) {
    if (error instanceof ResponseError) throw error;
    connection.console.error(`vpcrules: request on ${uri} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return null;
  }
}
