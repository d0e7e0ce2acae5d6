// The server's settings: how long to wait after an edit before analysing, and the source ports of
// external clients (`externalEphemeralPorts`, "N-M"; the language's 1024-65535 by default). Read from the
// `vpcrules` section through workspace/configuration when the client offers it (again on every
// didChangeConfiguration), else from what the client pushes, else from initializationOptions.
import type { Connection, InitializeParams } from 'vscode-languageserver';
import type { ModelOptions } from '../engine/build-model';
import { parsePortRange } from '../engine/keys';

export const DEFAULT_DEBOUNCE_MS = 150;
export const SETTINGS_SECTION = 'vpcrules';

function debounceFrom(value: unknown): number | undefined {
  const debounceMs = typeof value === 'object' && value !== null ? (value as { debounceMs?: unknown }).debounceMs : undefined;
  return typeof debounceMs === 'number' && Number.isFinite(debounceMs) && debounceMs >= 0 ? debounceMs : undefined;
}

/** The `externalEphemeralPorts` of a settings object, as text; undefined when absent or invalid. */
function externalPortsFrom(value: unknown): string | undefined {
  const ports = typeof value === 'object' && value !== null ? (value as { externalEphemeralPorts?: unknown }).externalEphemeralPorts : undefined;
  return typeof ports === 'string' && parsePortRange(ports) ? ports : undefined;
}

export class Settings {
  private debounce = DEFAULT_DEBOUNCE_MS;
  private externalPorts?: string;
  private pullsConfiguration = false;
  /** Settles when the latest read of the client's configuration is done. */
  private loaded: Promise<void> = Promise.resolve();
  private finishFirstLoad: () => void = () => {};

  /** `modelChanged` is called when a setting that changes verdicts changes. */
  constructor(private readonly connection: Connection, private readonly modelChanged: () => void) {}

  initialize(params: InitializeParams): void {
    this.debounce = debounceFrom(params.initializationOptions) ?? DEFAULT_DEBOUNCE_MS;
    this.externalPorts = externalPortsFrom(params.initializationOptions);
    this.pullsConfiguration = params.capabilities?.workspace?.configuration === true;
    // Documents opened before the first read must not be analysed with a delay the user did not ask for.
    if (this.pullsConfiguration) this.loaded = new Promise((resolve) => (this.finishFirstLoad = resolve));
  }

  get supportsPull(): boolean {
    return this.pullsConfiguration;
  }

  /** Re-reads the settings; `pushed` is what a didChangeConfiguration carried. */
  refresh(pushed?: unknown): void {
    if (!this.pullsConfiguration) {
      const section = typeof pushed === 'object' && pushed !== null ? (pushed as Record<string, unknown>)[SETTINGS_SECTION] : undefined;
      this.debounce = debounceFrom(section) ?? this.debounce;
      this.setExternalPorts(externalPortsFrom(section) ?? this.externalPorts);
      return;
    }
    const finishFirstLoad = this.finishFirstLoad;
    this.finishFirstLoad = () => {};
    this.loaded = this.connection.workspace.getConfiguration({ section: SETTINGS_SECTION }).then(
      (section: unknown) => {
        this.debounce = debounceFrom(section) ?? this.debounce;
        this.setExternalPorts(externalPortsFrom(section) ?? this.externalPorts);
      },
      (error: unknown) => this.connection.console.error(`vpcrules: cannot read the settings: ${String(error)}`),
    ).finally(finishFirstLoad);
  }

  /** The options every analysis is built with. */
  modelOptions(): ModelOptions {
    return this.externalPorts === undefined ? {} : { externalEphemeral: parsePortRange(this.externalPorts) };
  }

  private setExternalPorts(ports: string | undefined): void {
    if (ports === this.externalPorts) return;
    this.externalPorts = ports;
    this.modelChanged();
  }

  async debounceMs(): Promise<number> {
    await this.loaded;
    return this.debounce;
  }
}
