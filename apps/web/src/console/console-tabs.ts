/** One editor tab of the console. */
export interface ConsoleTab {
  id: string;
  name: string;
  sql: string;
}

/** The tabs of one connection and which one is in front. */
export interface ConsoleTabs {
  tabs: ConsoleTab[];
  active: string;
}

const KEY_PREFIX = 'pgmcp.console.tabs.';

/** The localStorage key of a connection's tabs. */
export function tabsKey(connection: string | undefined): string {
  return `${KEY_PREFIX}${connection ?? ''}`;
}

let counter = 0;
function newId(): string {
  return `t${Date.now().toString(36)}${(counter++).toString(36)}`;
}

/** A new tab named "Query N" with N one past the highest in use. */
export function newTab(existing: readonly ConsoleTab[], sql = ''): ConsoleTab {
  const used = existing
    .map((t) => /^Query (\d+)$/.exec(t.name)?.[1])
    .map(Number)
    .filter(Number.isFinite);
  return { id: newId(), name: `Query ${Math.max(0, ...used) + 1}`, sql };
}

function isTab(value: unknown): value is ConsoleTab {
  const v = value as ConsoleTab;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.sql === 'string'
  );
}

/** The saved tabs of a connection, or one empty tab when there are none (or they do not parse). */
export function loadTabs(
  storage: Pick<Storage, 'getItem'> | undefined,
  connection: string | undefined,
): ConsoleTabs {
  try {
    const raw = storage?.getItem(tabsKey(connection));
    const parsed = raw ? (JSON.parse(raw) as Partial<ConsoleTabs>) : undefined;
    const tabs = Array.isArray(parsed?.tabs) ? parsed.tabs.filter(isTab) : [];
    if (tabs.length > 0) {
      const active = tabs.some((t) => t.id === parsed?.active) ? parsed!.active! : tabs[0]!.id;
      return { tabs, active };
    }
  } catch {
    // A broken entry (edited by hand, an older format) starts fresh.
  }
  const tab = newTab([]);
  return { tabs: [tab], active: tab.id };
}

/** Keeps a connection's tabs; a full or unavailable storage only loses persistence. */
export function saveTabs(
  storage: Pick<Storage, 'setItem'> | undefined,
  connection: string | undefined,
  state: ConsoleTabs,
): void {
  try {
    storage?.setItem(tabsKey(connection), JSON.stringify(state));
  } catch {
    // Quota exceeded or storage disabled: the tabs still work for this page.
  }
}

/** Closes a tab; the neighbour comes to the front, and closing the last one leaves an empty tab. */
export function closeTab(state: ConsoleTabs, id: string): ConsoleTabs {
  const index = state.tabs.findIndex((t) => t.id === id);
  if (index === -1) return state;
  const tabs = state.tabs.filter((t) => t.id !== id);
  if (tabs.length === 0) {
    const tab = newTab([]);
    return { tabs: [tab], active: tab.id };
  }
  const active = state.active === id ? tabs[Math.min(index, tabs.length - 1)]!.id : state.active;
  return { tabs, active };
}
