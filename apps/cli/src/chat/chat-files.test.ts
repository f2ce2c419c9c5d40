import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { describe, expect, it } from 'vitest';
import {
  chatConfigDir,
  chatDataDir,
  createCredentialStore,
  createHistoryFile,
  createRememberedSettings,
} from './chat-files.js';

const temp = () => makeTempDir('pgmcp-chat-files-');

describe('where chat files live', () => {
  it('follows XDG and PGMCP_DATA_DIR', () => {
    expect(chatConfigDir({ XDG_CONFIG_HOME: '/cfg', HOME: '/home/ann' })).toBe('/cfg/pgmcp');
    expect(chatConfigDir({ HOME: '/home/ann' })).toBe('/home/ann/.config/pgmcp');
    expect(chatDataDir({ PGMCP_DATA_DIR: '/data' })).toBe('/data/chat');
    expect(chatDataDir({ XDG_DATA_HOME: '/xdg', HOME: '/home/ann' })).toBe('/xdg/pgmcp/chat');
  });
});

describe('createCredentialStore', () => {
  it('keeps one token per server in a file only the user can read, and forgets expired ones', () => {
    const dir = path.join(temp(), 'pgmcp');
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = createCredentialStore(dir, () => now);
    store.save('http://a:8080/', { token: 'tok-a', expires_at: '2026-01-02T00:00:00Z', username: 'ann' });
    store.save('http://b:8080', { token: 'tok-b', expires_at: null });
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(store.find('http://a:8080')?.token).toBe('tok-a');
    now = Date.parse('2026-01-03T00:00:00Z');
    expect(store.find('http://a:8080')).toBeUndefined();
    expect(store.findUsername('http://a:8080')).toBe('ann');
    expect(store.find('http://b:8080')?.token).toBe('tok-b');
    expect(store.remove('http://b:8080')).toBe(true);
    expect(store.remove('http://b:8080')).toBe(false);
    expect(
      Object.keys((JSON.parse(readFileSync(store.file, 'utf8')) as { servers: object }).servers),
    ).toEqual(['http://a:8080']);
  });

  it('treats an unreadable file as empty and replaces it on the next save', () => {
    const dir = temp();
    writeFileSync(path.join(dir, 'credentials.json'), '{ not json');
    const store = createCredentialStore(dir);
    expect(store.find('http://a')).toBeUndefined();
    store.save('http://a', { token: 't', expires_at: null });
    expect(store.find('http://a')?.token).toBe('t');
  });
});

describe('createHistoryFile', () => {
  it('round-trips entries with newlines and keeps the newest ones', () => {
    const history = createHistoryFile(temp(), 3);
    expect(history.load()).toEqual([]);
    for (const entry of ['one', 'SELECT 1\nFROM t', 'three', 'four']) history.append(entry);
    expect(history.load()).toEqual(['SELECT 1\nFROM t', 'three', 'four']);
  });
});

describe('createRememberedSettings', () => {
  it('remembers settings per server and merges changes', () => {
    const settings = createRememberedSettings(temp());
    settings.update('http://a', { provider: 'openai', model: 'gpt-4o' });
    settings.update('http://a', { database: 'shop' });
    settings.update('local', { model: 'llama3.2' });
    expect(settings.get('http://a')).toEqual({ provider: 'openai', model: 'gpt-4o', database: 'shop' });
    expect(settings.get('local')).toEqual({ model: 'llama3.2' });
    expect(settings.get('http://b')).toEqual({});
  });
});
