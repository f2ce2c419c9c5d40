import type { ApiClient, ChannelTestResult, Delivery, NotificationChannel } from '@pgmcp/api-contract';
import { useDraft } from './use-draft.js';
import { useCallback, useEffect, useState } from 'react';
import { ConfirmModal, ErrorNotice } from './admin-parts.js';
import { useAction } from './use-action.js';

/** Props of {@link ChannelsAdmin}. */
export interface ChannelsAdminProps {
  api: ApiClient;
}

type Kind = NotificationChannel['kind'];

interface Draft {
  kind: Kind;
  name: string;
  minSeverity: '' | 'info' | 'warning' | 'critical';
  url: string;
  secret: string;
  smtpHost: string;
  smtpPort: string;
  smtpSecurity: 'starttls' | 'tls' | 'none';
  smtpUser: string;
  smtpPassword: string;
  from: string;
  to: string;
}

const EMPTY: Draft = {
  kind: 'webhook',
  name: '',
  minSeverity: 'warning',
  url: '',
  secret: '',
  smtpHost: '',
  smtpPort: '587',
  smtpSecurity: 'starttls',
  smtpUser: '',
  smtpPassword: '',
  from: '',
  to: '',
};

const optional = <K extends string>(key: K, value: string) => (value ? { [key]: value } : {});

/** The create body of the draft's kind (the notifier names the field it refuses). */
export function channelBody(draft: Draft): { kind: Kind; name: string } & Record<string, unknown> {
  const common = { kind: draft.kind, name: draft.name.trim(), min_severity: draft.minSeverity || null };
  if (draft.kind === 'slack') return { ...common, url: draft.url.trim() };
  if (draft.kind === 'webhook')
    return { ...common, url: draft.url.trim(), ...optional('secret', draft.secret) };
  return {
    ...common,
    smtp: {
      host: draft.smtpHost.trim(),
      port: Number(draft.smtpPort),
      security: draft.smtpSecurity,
      ...optional('user', draft.smtpUser.trim()),
      ...optional('password', draft.smtpPassword),
    },
    from: draft.from.trim(),
    to: draft.to
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  };
}

/** Where a channel sends, from the settings the server shows (never its secrets). */
function target(channel: NotificationChannel): string {
  const s = channel.settings as { url?: string; host?: string; smtp?: { host?: string }; to?: string[] };
  if (channel.kind === 'email') return `${s.smtp?.host ?? '?'} → ${(s.to ?? []).join(', ')}`;
  return s.url ?? s.host ?? '';
}

const testText = (r: ChannelTestResult) =>
  r.ok
    ? `Test delivered${r.response ? `: ${r.response}` : '.'}`
    : `Test failed: ${r.error ?? 'unknown error'}`;

function Deliveries({ channel, deliveries }: { channel: NotificationChannel; deliveries: Delivery[] }) {
  return (
    <div className="table-scroll">
      <h3 id={`deliveries-${channel.id}`}>Deliveries of {channel.name}</h3>
      {deliveries.length === 0 ? <p className="muted">Nothing sent yet.</p> : null}
      {deliveries.length > 0 ? (
        <table className="admin-table stacked-table" aria-labelledby={`deliveries-${channel.id}`}>
          <thead>
            <tr>
              <th>Created</th>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td data-label="Created">{new Date(d.created_at).toLocaleString()}</td>
                <td data-label="Event">
                  {d.event_kind}
                  {d.rule_id ? <span className="cell-sub small muted">{d.rule_id}</span> : null}
                </td>
                <td data-label="Status">
                  <span
                    className={`status-badge ${d.status === 'failed' ? 'status-disabled' : d.status === 'delivered' ? 'status-active' : 'status-pending'}`}
                  >
                    {d.status}
                  </span>
                </td>
                <td data-label="Attempts">
                  {d.attempts}/{d.max_attempts}
                </td>
                <td data-label="Last error">{d.last_error ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function KindFields({
  draft,
  set,
}: {
  draft: Draft;
  set: <K extends keyof Draft>(key: K, value: Draft[K]) => void;
}) {
  const text = (key: keyof Draft, label: string, type = 'text') => (
    <label className="field" key={key}>
      <span>{label}</span>
      <input
        type={type}
        autoComplete={type === 'password' ? 'new-password' : 'off'}
        value={draft[key]}
        onChange={(e) => set(key, e.target.value)}
      />
    </label>
  );
  if (draft.kind === 'webhook')
    return (
      <>
        {text('url', 'URL')}
        {text('secret', 'HMAC secret (optional, 16+ characters; signs each request)', 'password')}
      </>
    );
  if (draft.kind === 'slack') return text('url', 'Slack incoming webhook URL');
  return (
    <>
      {text('smtpHost', 'SMTP host')}
      {text('smtpPort', 'SMTP port')}
      <label className="field">
        <span>Security</span>
        <select
          value={draft.smtpSecurity}
          onChange={(e) => set('smtpSecurity', e.target.value as Draft['smtpSecurity'])}
        >
          <option value="starttls">STARTTLS</option>
          <option value="tls">TLS</option>
          <option value="none">none (trusted network only)</option>
        </select>
      </label>
      {text('smtpUser', 'SMTP user (optional)')}
      {text('smtpPassword', 'SMTP password (optional)', 'password')}
      {text('from', 'From')}
      {text('to', 'To (comma-separated)')}
    </>
  );
}

function ChannelForm({
  busy,
  error,
  onCreate,
}: {
  busy: boolean;
  error: string | undefined;
  onCreate: (draft: Draft) => Promise<boolean>;
}) {
  const { draft, set, submit } = useDraft(EMPTY, onCreate);
  return (
    <form className="admin-form" onSubmit={submit} aria-label="Add a channel">
      <h3>Add a channel</h3>
      <label className="field">
        <span>Kind</span>
        <select value={draft.kind} onChange={(e) => set('kind', e.target.value as Kind)}>
          <option value="webhook">Webhook (JSON)</option>
          <option value="slack">Slack</option>
          <option value="email">Email (SMTP)</option>
        </select>
      </label>
      <label className="field">
        <span>Name</span>
        <input value={draft.name} required maxLength={100} onChange={(e) => set('name', e.target.value)} />
      </label>
      <label className="field">
        <span>Send alerts of at least</span>
        <select
          value={draft.minSeverity}
          onChange={(e) => set('minSeverity', e.target.value as Draft['minSeverity'])}
        >
          <option value="info">info</option>
          <option value="warning">warning</option>
          <option value="critical">critical</option>
          <option value="">only rules routed here</option>
        </select>
      </label>
      <KindFields draft={draft} set={set} />
      <p className="muted small">Secrets are stored encrypted and never shown again.</p>
      <ErrorNotice error={error} />
      <div className="modal-actions">
        <button type="submit" className="button primary" disabled={busy}>
          Add
        </button>
      </div>
    </form>
  );
}

/**
 * The Notification channels admin screen (manage_notification_channels): channels without their
 * secrets, enable/disable, a form for a webhook, Slack or email channel, "Send test" with its outcome, a channel's
 * delivery history with the last error, and delete with confirmation.
 */
export function ChannelsAdmin({ api }: ChannelsAdminProps) {
  const [channels, setChannels] = useState<NotificationChannel[]>([]);
  const [tested, setTested] = useState<{ id: string; result: ChannelTestResult }>();
  const [history, setHistory] = useState<{ channel: NotificationChannel; deliveries: Delivery[] }>();
  const [deleting, setDeleting] = useState<NotificationChannel>();
  const action = useAction();
  const creating = useAction();
  const { run } = action;

  const load = useCallback(
    () => run(async () => setChannels((await api.listNotificationChannels()).channels)),
    [api, run],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const create = (draft: Draft) =>
    creating.run(async () => {
      await api.createNotificationChannel({ body: channelBody(draft) });
      await load();
    });
  const test = (channel: NotificationChannel) =>
    run(async () => {
      setTested(undefined);
      const result = await api.testNotificationChannel({ params: { id: channel.id } });
      setTested({ id: channel.id, result });
    });
  const showHistory = (channel: NotificationChannel) =>
    run(async () => {
      const { deliveries } = await api.listChannelDeliveries({
        params: { id: channel.id },
        query: { limit: 50 },
      });
      setHistory({ channel, deliveries });
    });
  const setEnabled = (channel: NotificationChannel, enabled: boolean) =>
    run(async () => {
      await api.updateNotificationChannel({ params: { id: channel.id }, body: { enabled } });
      await load();
    });
  const remove = (channel: NotificationChannel) =>
    run(async () => {
      setDeleting(undefined);
      await api.deleteNotificationChannel({ params: { id: channel.id } });
      if (history?.channel.id === channel.id) setHistory(undefined);
      await load();
    });

  return (
    <section className="admin-page pad" aria-labelledby="channels-title">
      <h2 id="channels-title">Notification channels</h2>
      <ErrorNotice error={action.error} />
      {channels.length === 0 ? (
        <p className="muted">No channels yet: alerts are only shown here and over MCP.</p>
      ) : null}
      {channels.length > 0 ? (
        <div className="table-scroll">
          <table className="admin-table stacked-table" aria-label="Notification channels">
            <thead>
              <tr>
                <th>Name</th>
                <th>Sends to</th>
                <th>Routing</th>
                <th>Enabled</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => (
                <tr key={c.id}>
                  <td data-label="Name">
                    <span className="cell-title">{c.name}</span>
                    <span className="cell-sub small muted">
                      {c.kind}
                      {c.has_secret ? ' · secret stored' : ''}
                    </span>
                  </td>
                  <td data-label="Sends to">
                    <span className="cell-sub">{target(c)}</span>
                    {tested?.id === c.id ? (
                      <span
                        className={`notice small ${tested.result.ok ? 'notice-ok' : 'notice-error'}`}
                        role="status"
                      >
                        {testText(tested.result)}
                      </span>
                    ) : null}
                  </td>
                  <td data-label="Routing">
                    {c.min_severity ? `${c.min_severity} and above` : 'routed rules only'}
                    {c.rule_ids.length > 0 ? (
                      <span className="cell-sub small muted">{c.rule_ids.join(', ')}</span>
                    ) : null}
                  </td>
                  <td data-label="Enabled">
                    <input
                      type="checkbox"
                      aria-label={`Enable ${c.name}`}
                      checked={c.enabled}
                      disabled={action.busy}
                      onChange={(e) => void setEnabled(c, e.target.checked)}
                    />
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button small"
                      aria-label={`Send a test to ${c.name}`}
                      disabled={action.busy}
                      onClick={() => void test(c)}
                    >
                      Send test
                    </button>
                    <button
                      type="button"
                      className="button small"
                      aria-label={`Deliveries of ${c.name}`}
                      onClick={() => void showHistory(c)}
                    >
                      Deliveries
                    </button>
                    <button
                      type="button"
                      className="button small danger"
                      aria-label={`Delete ${c.name}`}
                      onClick={() => setDeleting(c)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {history ? <Deliveries channel={history.channel} deliveries={history.deliveries} /> : null}
      <ChannelForm busy={creating.busy} error={creating.error} onCreate={create} />
      {deleting ? (
        <ConfirmModal
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete"
          cancelLabel="Keep it"
          onClose={() => setDeleting(undefined)}
          onConfirm={() => void remove(deleting)}
        >
          <p>Alerts stop going to it, and the rules routed to it lose that route.</p>
        </ConfirmModal>
      ) : null}
    </section>
  );
}
