// The language server's entry point: `vpcrules-language-server --stdio` (or --node-ipc, as the
// VS Code client starts it). In server mode stdout carries protocol frames and nothing else.
import { inspect } from 'node:util';
import { VERSION } from '../cli/version';

const USAGE = `usage: vpcrules-language-server --stdio | --node-ipc | --socket=PORT | --pipe=NAME
       vpcrules-language-server --help | --version`;

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';
const CONSOLE_METHODS: ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];

function text(args: unknown[]): string {
  return args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg))).join(' ');
}

/** Sends every console call to `sink`, so that no library can write stray text to stdout. */
function routeConsole(sink: (method: ConsoleMethod, message: string) => void): void {
  for (const method of CONSOLE_METHODS) console[method] = (...args: unknown[]) => sink(method, text(args));
}

function main(args: string[]): void {
  if (args.includes('--version')) {
    process.stdout.write(`${VERSION}\n`); // stdout-ok: not server mode
    return;
  }
  if (args.includes('--help') || args.length === 0) {
    (args.length === 0 ? process.stderr : process.stdout).write(`${USAGE}\n`); // stdout-ok: not server mode
    if (args.length === 0) process.exitCode = 2;
    return;
  }
  routeConsole((_method, message) => process.stderr.write(`${message}\n`));
  // Loaded only now, so that nothing the server's modules do at load time precedes the routing.
  const { createConnection, ProposedFeatures } = require('vscode-languageserver/node') as typeof import('vscode-languageserver/node');
  const { startServer } = require('./server') as typeof import('./server');
  const connection = createConnection(ProposedFeatures.all);
  routeConsole((method, message) => {
    try {
      if (method === 'error') connection.console.error(message);
      else if (method === 'warn') connection.console.warn(message);
      else if (method === 'debug') connection.console.debug(message);
      else connection.console.log(message); // a window/logMessage notification, not a write to stdout
    } catch {
      // The client is gone (the connection is closed): what the libraries log then goes to stderr.
      process.stderr.write(`${message}\n`);
    }
  });
  startServer(connection);
}

main(process.argv.slice(2));
