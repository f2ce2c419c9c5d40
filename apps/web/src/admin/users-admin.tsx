import type { ApiClient, User } from '@pgmcp/api-contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Modal } from '../ui/modal.js';
import { ConfirmModal, ErrorNotice } from './admin-parts.js';
import { useAction } from './use-action.js';

/** Props of {@link UsersAdmin}. */
export interface UsersAdminProps {
  api: ApiClient;
  /** The caller also holds manage_groups: offers setting a user's groups. */
  canSetGroups: boolean;
}

const isLocked = (user: User) => user.locked_until !== null && Date.parse(user.locked_until) > Date.now();

function statusOf(user: User): string {
  const parts = [user.enabled ? 'enabled' : 'disabled'];
  if (isLocked(user)) parts.push('locked');
  if (user.superuser) parts.push('superuser');
  if (user.service_account) parts.push('service account');
  return parts.join(', ');
}

/**
 * The Users admin screen (manage_users): the users with their status, a form to create one, and
 * per user: disable/enable, unlock, reset password, set groups and delete (after confirmation).
 */
export function UsersAdmin({ api, canSetGroups }: UsersAdminProps) {
  const [users, setUsers] = useState<User[]>([]);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [resetting, setResetting] = useState<User>();
  const [grouping, setGrouping] = useState<User>();
  const [deleting, setDeleting] = useState<User>();
  const list = useAction();
  const startList = list.run;
  const form = useAction();

  const load = useCallback(async () => setUsers((await api.listUsers()).users), [api]);
  useEffect(() => {
    void startList(load);
  }, [load, startList]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const created = await form.run(async () => {
      await api.createUser({ body: { username: username.trim(), ...(password ? { password } : {}) } });
      await load();
    });
    if (created) {
      setUsername('');
      setPassword('');
    }
  };
  const act = (work: () => Promise<unknown>) =>
    void list.run(async () => {
      await work();
      await load();
    });

  return (
    <section className="admin-page pad" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <ErrorNotice error={list.error} />
      <table className="admin-table">
        <thead>
          <tr>
            <th>User</th>
            <th>Status</th>
            <th>Last login</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td>{user.username}</td>
              <td>{statusOf(user)}</td>
              <td>{user.last_login_at ? new Date(user.last_login_at).toLocaleString() : 'never'}</td>
              <td className="row-actions">
                <button
                  type="button"
                  className="button small"
                  aria-label={`${user.enabled ? 'Disable' : 'Enable'} ${user.username}`}
                  onClick={() =>
                    act(() => api.updateUser({ params: { id: user.id }, body: { enabled: !user.enabled } }))
                  }
                >
                  {user.enabled ? 'Disable' : 'Enable'}
                </button>
                {isLocked(user) ? (
                  <button
                    type="button"
                    className="button small"
                    aria-label={`Unlock ${user.username}`}
                    onClick={() => act(() => api.unlockUser({ params: { id: user.id } }))}
                  >
                    Unlock
                  </button>
                ) : null}
                {user.service_account ? null : (
                  <button
                    type="button"
                    className="button small"
                    aria-label={`Reset the password of ${user.username}`}
                    onClick={() => setResetting(user)}
                  >
                    Reset password
                  </button>
                )}
                {canSetGroups ? (
                  <button
                    type="button"
                    className="button small"
                    aria-label={`Groups of ${user.username}`}
                    onClick={() => setGrouping(user)}
                  >
                    Groups
                  </button>
                ) : null}
                <button
                  type="button"
                  className="button small danger"
                  aria-label={`Delete ${user.username}`}
                  onClick={() => setDeleting(user)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <form className="admin-form" onSubmit={(e) => void create(e)} aria-label="Create a user">
        <h3>Create a user</h3>
        <label className="field">
          <span>Username</span>
          <input value={username} required onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>Password (leave empty for API tokens only)</span>
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ErrorNotice error={form.error} />
        <div className="modal-actions">
          <button type="submit" className="button primary" disabled={form.busy}>
            Create user
          </button>
        </div>
      </form>

      {resetting ? (
        <ResetPassword api={api} user={resetting} onClose={() => setResetting(undefined)} />
      ) : null}
      {grouping ? <UserGroups api={api} user={grouping} onClose={() => setGrouping(undefined)} /> : null}
      {deleting ? (
        <ConfirmModal
          title={`Delete ${deleting.username}?`}
          confirmLabel="Delete"
          onClose={() => setDeleting(undefined)}
          onConfirm={() => {
            const user = deleting;
            setDeleting(undefined);
            act(() => api.deleteUser({ params: { id: user.id } }));
          }}
        >
          <p>Their sessions and API tokens end, and they leave every group. This cannot be undone.</p>
        </ConfirmModal>
      ) : null}
    </section>
  );
}

/** Sets a new password (the server ends the user's sessions). */
function ResetPassword({ api, user, onClose }: { api: ApiClient; user: User; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(() => api.setUserPassword({ params: { id: user.id }, body: { password } })))
      onClose();
  };
  return (
    <Modal title={`Reset the password of ${user.username}`} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} aria-label="Reset password">
        <label className="field">
          <span>New password</span>
          <input
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <p className="field-hint">Their login sessions end; their API tokens keep working.</p>
        <ErrorNotice error={action.error} />
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={action.busy}>
            Set password
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The groups `user` is directly in, as checkboxes; saving adds and removes the differences. */
function UserGroups({ api, user, onClose }: { api: ApiClient; user: User; onClose: () => void }) {
  const [was, setWas] = useState<Set<string>>();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [ids, setIds] = useState<Map<string, string>>(new Map());
  const action = useAction();
  const startAction = action.run;

  useEffect(() => {
    void startAction(async () => {
      const { groups } = await api.listGroups();
      const details = await Promise.all(groups.map((g) => api.getGroup({ params: { id: g.id } })));
      const member = new Set(
        details.filter((g) => g.members.users.includes(user.username)).map((g) => g.name),
      );
      setIds(new Map(groups.map((g) => [g.name, g.id])));
      setWas(member);
      setChosen(new Set(member));
    });
  }, [api, user.username, startAction]);

  const toggle = (name: string, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const body = { username: user.username };
    const saved = await action.run(async () => {
      for (const [name, id] of ids) {
        if (chosen.has(name) && !was?.has(name)) await api.addGroupMember({ params: { id }, body });
        if (!chosen.has(name) && was?.has(name)) await api.removeGroupMember({ params: { id }, body });
      }
    });
    if (saved) onClose();
  };

  return (
    <Modal title={`Groups of ${user.username}`} onClose={onClose}>
      <form onSubmit={(e) => void save(e)} aria-label="Set groups">
        {was === undefined ? <p className="muted">Loading…</p> : null}
        {was !== undefined && ids.size === 0 ? <p className="muted">There are no groups yet.</p> : null}
        {[...ids.keys()].map((name) => (
          <label key={name} className="field check">
            <input
              type="checkbox"
              checked={chosen.has(name)}
              onChange={(e) => toggle(name, e.target.checked)}
            />
            <span>{name}</span>
          </label>
        ))}
        <ErrorNotice error={action.error} />
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={action.busy || was === undefined}>
            Save groups
          </button>
        </div>
      </form>
    </Modal>
  );
}
