// Processes of an end-to-end run: the code-server install, the .vsix build, a code-server and a
// chromium, each started in its own process group so that cleanup can end the whole tree by pid.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export function log(message) {
  process.stdout.write(`[e2e] ${message}\n`);
}

/** Runs a command to completion; throws with its output tail when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}\n${tail}`);
  }
  return result;
}

/** Runs the code-server install script (idempotent) and returns the entry script, its last line. */
export function installCodeServer(script) {
  if (!existsSync(script)) throw new Error(`install script not found: ${script}`);
  const result = run('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = result.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  const entry = lines[lines.length - 1];
  if (!entry || !existsSync(entry)) throw new Error(`the install script printed no entry script (last line: ${entry})`);
  return entry;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A child process in its own process group, its output appended to a log file. */
export class Child {
  constructor(name, command, args, logFile, options = {}) {
    this.name = name;
    this.logFile = logFile;
    const fd = openSync(logFile, 'a');
    this.process = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: options.env ?? process.env,
    });
    closeSync(fd);
    this.pid = this.process.pid;
    this.exited = false;
    this.exitPromise = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code ?? signal;
        resolve();
      });
    });
    this.process.on('error', (error) => {
      this.exited = true;
      this.exitCode = error.message;
    });
  }

  logTail(lines = 40) {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** SIGTERM to the whole process group, SIGKILL after a grace period. */
  async kill(graceMs = 5000) {
    if (this.pid === undefined) return;
    const signalGroup = (signal) => {
      try {
        process.kill(-this.pid, signal);
        return true;
      } catch {
        return false; // the group is gone
      }
    };
    if (!signalGroup('SIGTERM')) return;
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      await delay(100);
      if (!signalGroup(0)) return;
    }
    signalGroup('SIGKILL');
  }

  /** Synchronous last resort, for process exit. */
  killNow() {
    if (this.pid === undefined) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Polls an HTTP URL until it answers (any status below 500). */
export async function waitForHttp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exited) throw new Error(`${child.name} exited (${child.exitCode}) before answering\n${child.logTail()}`);
    const status = await new Promise((resolve) => {
      const request = http.get(url, { timeout: 2000 }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', (error) => resolve(error.message));
    });
    if (typeof status === 'number' && status < 500) return status;
    last = String(status);
    await delay(200);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (last: ${last})\n${child.logTail()}`);
}

/** Starts code-server on 127.0.0.1:port with its own user data and extensions directories. */
export function startCodeServer({ entry, port, userDataDir, extensionsDir, configFile, folder, logFile }) {
  writeFileSync(configFile, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--config', configFile,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    folder,
  ];
  return new Child('code-server', process.execPath, args, logFile);
}

/** Starts chromium headless with a DevTools port; resolves with the child and its websocket URL. */
export async function startChromium({ executable, userDataDir, logFile, timeoutMs }) {
  const args = [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-default-apps',
    '--disable-extensions',
    '--password-store=basic',
    '--use-mock-keychain',
    '--window-size=1440,900',
    `--user-data-dir=${userDataDir}`,
    '--remote-debugging-address=127.0.0.1',
    '--remote-debugging-port=0',
    'about:blank',
  ];
  const child = new Child('chromium', executable, args, logFile);
  const portFile = join(userDataDir, 'DevToolsActivePort');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited) throw new Error(`chromium exited (${child.exitCode}) at startup\n${child.logTail()}`);
    if (existsSync(portFile)) {
      const [port, path] = readFileSync(portFile, 'utf8').split('\n');
      if (port && path) return { child, wsEndpoint: `ws://127.0.0.1:${port.trim()}${path.trim()}` };
    }
    await delay(100);
  }
  throw new Error(`chromium did not open its DevTools port within ${timeoutMs / 1000} s\n${child.logTail()}`);
}

/** The directory of the installed extension inside an extensions directory. */
export function installedExtensionDir(extensionsDir, id) {
  const dir = readdirSync(extensionsDir).find((name) => name.toLowerCase().startsWith(`${id.toLowerCase()}-`));
  return dir ? join(extensionsDir, dir) : undefined;
}

export function removeDir(dir) {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch (error) {
    log(`could not remove ${dir}: ${error.message}`);
  }
}
