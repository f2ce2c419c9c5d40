import type { ApiClient } from '@pgmcp/api-contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ConfirmModal, ErrorNotice } from './admin-parts.js';
import { useAction } from './use-action.js';

/** A group with its members, as `GET /api/v1/groups/{id}` answers. */
export type GroupDetail = Awaited<ReturnType<ApiClient['getGroup']>>;

/** Props of {@link GroupsAdmin}. */
export interface GroupsAdminProps {
  api: ApiClient;
}

/** Every group with its members (one request per group: admin screens list tens, not thousands). */
export async function loadGroupDetails(api: ApiClient): Promise<GroupDetail[]> {
  const { groups } = await api.listGroups();
  return Promise.all(groups.map((g) => api.getGroup({ params: { id: g.id } })));
}

/** A group and the groups nested in it, recursively (a group in two groups shows under both). */
function GroupNode(props: {
  group: GroupDetail;
  byName: Map<string, GroupDetail>;
  selected: string | undefined;
  onSelect: (name: string) => void;
  seen: readonly string[];
}) {
  const { group, byName, selected, onSelect, seen } = props;
  const children = group.members.groups.flatMap((name) => {
    const child = byName.get(name);
    return child && !seen.includes(name) ? [child] : [];
  });
  return (
    <li>
      <button
        type="button"
        className="tree-item"
        aria-current={selected === group.name ? 'true' : undefined}
        onClick={() => onSelect(group.name)}
      >
        {group.name}
        <span className="muted">
          {' '}
          ({group.members.users.length} {group.members.users.length === 1 ? 'user' : 'users'})
        </span>
      </button>
      {children.length > 0 ? (
        <ul>
          {children.map((child) => (
            <GroupNode key={child.name} {...props} group={child} seen={[...seen, child.name]} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/**
 * The Groups admin screen (manage_groups): the groups as a tree of their nesting, a form to create
 * one, and for the chosen group its members (users and groups) to add or remove, and delete.
 */
export function GroupsAdmin({ api }: GroupsAdminProps) {
  const [groups, setGroups] = useState<GroupDetail[]>([]);
  const [selected, setSelected] = useState<string>();
  const [name, setName] = useState('');
  const [deleting, setDeleting] = useState<GroupDetail>();
  const list = useAction();
  const startList = list.run;
  const form = useAction();

  const load = useCallback(async () => setGroups(await loadGroupDetails(api)), [api]);
  useEffect(() => {
    void startList(load);
  }, [load, startList]);

  const byName = new Map(groups.map((g) => [g.name, g]));
  const nested = new Set(groups.flatMap((g) => g.members.groups));
  const roots = groups.filter((g) => !nested.has(g.name));
  const current = selected ? byName.get(selected) : undefined;

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (
      await form.run(async () => {
        await api.createGroup({ body: { name: trimmed } });
        await load();
      })
    ) {
      setName('');
      setSelected(trimmed);
    }
  };

  return (
    <section className="admin-page pad" aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      <ErrorNotice error={list.error} />
      <div className="admin-columns">
        <div>
          {groups.length === 0 ? <p className="muted">No groups yet.</p> : null}
          <ul className="group-tree" aria-label="Groups by nesting">
            {roots.map((g) => (
              <GroupNode
                key={g.name}
                group={g}
                byName={byName}
                selected={selected}
                onSelect={setSelected}
                seen={[g.name]}
              />
            ))}
          </ul>
          <form className="admin-form" onSubmit={(e) => void create(e)} aria-label="Create a group">
            <h3>Create a group</h3>
            <label className="field">
              <span>Group name</span>
              <input value={name} required onChange={(e) => setName(e.target.value)} />
            </label>
            <ErrorNotice error={form.error} />
            <div className="modal-actions">
              <button type="submit" className="button primary" disabled={form.busy}>
                Create group
              </button>
            </div>
          </form>
        </div>
        {current ? (
          <GroupMembers
            key={current.name}
            api={api}
            group={current}
            onChanged={load}
            onDelete={() => setDeleting(current)}
          />
        ) : null}
      </div>
      {deleting ? (
        <ConfirmModal
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete"
          onClose={() => setDeleting(undefined)}
          onConfirm={() => {
            const group = deleting;
            setDeleting(undefined);
            setSelected(undefined);
            void list.run(async () => {
              await api.deleteGroup({ params: { id: group.id } });
              await load();
            });
          }}
        >
          <p>Its members lose the privileges it grants. This cannot be undone.</p>
        </ConfirmModal>
      ) : null}
    </section>
  );
}

/** The chosen group's members with Remove buttons, and a form to add a user or a group. */
function GroupMembers(props: {
  api: ApiClient;
  group: GroupDetail;
  onChanged: () => Promise<void>;
  onDelete: () => void;
}) {
  const { api, group, onChanged } = props;
  const [kind, setKind] = useState<'username' | 'group'>('username');
  const [member, setMember] = useState('');
  const action = useAction();
  const change = (work: () => Promise<unknown>) =>
    action.run(async () => {
      await work();
      await onChanged();
    });
  const params = { id: group.id };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const body = kind === 'username' ? { username: member.trim() } : { group: member.trim() };
    if (await change(() => api.addGroupMember({ params, body }))) setMember('');
  };
  const members = [
    ...group.members.users.map((n) => ({ label: n, body: { username: n }, what: 'user' })),
    ...group.members.groups.map((n) => ({ label: n, body: { group: n }, what: 'group' })),
  ];

  return (
    <div className="admin-detail" role="region" aria-label={`Group ${group.name}`}>
      <h3>{group.name}</h3>
      {members.length === 0 ? <p className="muted">No members yet.</p> : null}
      <ul className="member-list">
        {members.map((m) => (
          <li key={`${m.what}:${m.label}`}>
            <span>
              {m.label} <span className="muted">({m.what})</span>
            </span>
            <button
              type="button"
              className="button small"
              aria-label={`Remove ${m.what} ${m.label} from ${group.name}`}
              onClick={() => void change(() => api.removeGroupMember({ params, body: m.body }))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form className="admin-form" onSubmit={(e) => void add(e)} aria-label={`Add a member to ${group.name}`}>
        <label className="field">
          <span>Member kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as 'username' | 'group')}>
            <option value="username">user</option>
            <option value="group">group</option>
          </select>
        </label>
        <label className="field">
          <span>{kind === 'username' ? 'Username' : 'Group name'}</span>
          <input value={member} required onChange={(e) => setMember(e.target.value)} />
        </label>
        <ErrorNotice error={action.error} />
        <div className="modal-actions">
          <button type="button" className="button danger" onClick={props.onDelete}>
            Delete group
          </button>
          <button type="submit" className="button primary" disabled={action.busy}>
            Add member
          </button>
        </div>
      </form>
    </div>
  );
}
