import {
  defaultSettings,
  type ExplicitConfig,
  normalizeConfig,
  resolveSettings,
  type Settings,
} from './settings.js';

/**
 * @internal The settings of one registry: the defaults, each configured command's own fields, and the settings
 * they resolve to. Every change is checked whole before any of it is kept, so a bad value changes nothing.
 */
export class SettingsStore {
  private readonly explicit = new Map<string, ExplicitConfig>();
  private readonly resolved = new Map<string, Settings>();
  private defaultsExplicit: ExplicitConfig = {};
  private current: Settings = defaultSettings;

  /** The defaults in force. */
  get defaults(): Settings {
    return this.current;
  }

  /** The settings of one command, configured or not. */
  of(name: string): Settings {
    return this.resolved.get(name) ?? this.current;
  }

  /** The settings of every configured command. */
  configured(): Map<string, Settings> {
    return new Map(this.resolved);
  }

  /**
   * Checks the configurations of several commands and returns them resolved, without keeping them: `keep` does.
   * Throws on the first bad one.
   */
  stage(
    entries: readonly (readonly [string, unknown])[],
    where: (name: string) => string,
  ): Staged[] {
    return entries.map(([name, config]) => {
      const explicit = normalizeConfig(config, where(name));
      return { name, explicit, settings: resolveSettings(this.current, explicit, where(name)) };
    });
  }

  /** Keeps staged configurations; returns them for the circuits to apply. */
  keep(staged: readonly Staged[]): readonly Staged[] {
    for (const { name, explicit, settings } of staged) {
      this.explicit.set(name, explicit);
      this.resolved.set(name, settings);
    }
    return staged;
  }

  /**
   * Changes the defaults: each field given replaces the default it names (0 under a hystrix-go key restores the
   * built-in default). Checked first against every configured command: a bad value throws and changes nothing.
   */
  setDefaults(config: unknown): void {
    const zeroed: (keyof Settings)[] = [];
    const explicit: ExplicitConfig = {
      ...this.defaultsExplicit,
      ...normalizeConfig(config, 'setDefaults', zeroed),
    };
    // A hystrix-go key set to 0 means "the default": the built-in one again.
    for (const key of zeroed) Reflect.deleteProperty(explicit, key);
    const defaults = resolveSettings(defaultSettings, explicit, 'setDefaults');
    const staged = [...this.explicit].map(([name, own]): [string, Settings] => [
      name,
      resolveSettings(defaults, own, `setDefaults: command '${name}'`),
    ]);
    this.defaultsExplicit = explicit;
    this.current = defaults;
    for (const [name, settings] of staged) this.resolved.set(name, settings);
  }
}

/** @internal A command's configuration, checked and resolved, not yet kept. */
export interface Staged {
  readonly name: string;
  readonly explicit: ExplicitConfig;
  readonly settings: Settings;
}
