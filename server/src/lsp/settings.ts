// The server's settings: how long to wait after an edit before analysing. Read from the
// `vpcrules` section through workspace/configuration when the client offers it (again on every
// didChangeConfiguration), else from what the client pushes, else from initializationOptions.
import type { Connection, InitializeParams } from 'vscode-languageserver';

export const DEFAULT_DEBOUNCE_MS = 150;
export const SETTINGS_SECTION = 'vpcrules';

function debounceFrom(value: unknown): number | undefined {
  const debounceMs = typeof value === 'object' && value !== null ? (value as { debounceMs?: unknown }).debounceMs : undefined;
  return typeof debounceMs === 'number' && Number.isFinite(debounceMs) && debounceMs >= 0 ? debounceMs : undefined;
}

export class Settings {
  private debounce = DEFAULT_DEBOUNCE_MS;
  private pullsConfiguration = false;
  /** Settles when the latest read of the client's configuration is done. */
  private loaded: Promise<void> = Promise.resolve();
  private finishFirstLoad: () => void = () => {};

  constructor(private readonly connection: Connection) {}

  initialize(params: InitializeParams): void {
    this.debounce = debounceFrom(params.initializationOptions) ?? DEFAULT_DEBOUNCE_MS;
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
      return;
    }
    const finishFirstLoad = this.finishFirstLoad;
    this.finishFirstLoad = () => {};
    this.loaded = this.connection.workspace.getConfiguration({ section: SETTINGS_SECTION }).then(
      (section: unknown) => {
        this.debounce = debounceFrom(section) ?? this.debounce;
      },
      (error: unknown) => this.connection.console.error(`vpcrules: cannot read the settings: ${String(error)}`),
    ).finally(finishFirstLoad);
  }

  async debounceMs(): Promise<number> {
    await this.loaded;
    return this.debounce;
  }
}
