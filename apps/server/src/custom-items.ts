import { ConfigError, customItemsOf, type PgmcpConfig } from '@pgmcp/config';
import type { McpRegistry } from '@pgmcp/mcp-core';
import {
  type CompiledCustomItems,
  compileCustomItems,
  type PgToolsHandle,
  PgToolsError,
} from '@pgmcp/pg-tools';
import type { Logger } from './logger.js';

/**
 * The custom tools, resources and prompts of the configuration, checked (SQL through the guard,
 * parameter types, placeholders, names). A bad definition is a ConfigError naming the entry.
 */
export async function loadCustomItems(config: PgmcpConfig): Promise<CompiledCustomItems> {
  try {
    return await compileCustomItems(customItemsOf(config));
  } catch (error) {
    if (error instanceof PgToolsError) throw new ConfigError(error.message);
    throw error;
  }
}

/** Options of {@link createCustomItemsReloader}. */
export interface CustomItemsReloaderOptions {
  /** Reads the configuration again (file, environment, flags) as at start. */
  readConfig: () => PgmcpConfig;
  registry: Pick<McpRegistry<unknown>, 'notifyListChanged'>;
  handle: PgToolsHandle;
  /** Makes new items nameable in privileges (the account store), when there is one. */
  registerItems?: (items: readonly { kind: 'tool' | 'resource' | 'prompt'; name: string }[]) => Promise<void>;
  logger: Logger;
}

/**
 * What SIGHUP does to custom items: re-read the configuration and swap in its tools, resources and
 * prompts. Calls already running finish on the definition they started with; a configuration
 * that does not load or check keeps the current set and logs why. Resolves whether it swapped.
 */
export function createCustomItemsReloader(options: CustomItemsReloaderOptions): () => Promise<boolean> {
  const { logger } = options;
  return async () => {
    let items: CompiledCustomItems;
    try {
      items = await loadCustomItems(options.readConfig());
    } catch (error) {
      const reason = error instanceof ConfigError ? error.message : 'the configuration could not be read';
      if (!(error instanceof ConfigError)) logger.debug({ err: error }, 'config reload');
      logger.error(
        `Config reload failed; still serving the previous custom tools, resources and prompts: ${reason}`,
      );
      return false;
    }
    options.handle.replaceCustomItems(items);
    await options.registerItems?.(options.handle.customItems);
    options.registry.notifyListChanged();
    logger.info(
      {
        tools: items.tools.length,
        resources: items.resources.length,
        prompts: items.prompts.length,
      },
      'custom tools, resources and prompts reloaded',
    );
    return true;
  };
}
