import type { AlertRuleJson, AlertRuleOverride, ApiClient, UpdateAlertRule } from '@pgmcp/api-contract';
import { type FormEvent, Fragment, useCallback, useEffect, useState } from 'react';
import { ErrorNotice } from './admin-parts.js';
import { useAction } from './use-action.js';

/** Props of {@link AlertRulesAdmin}. */
export interface AlertRulesAdminProps {
  api: ApiClient;
}

const SEVERITIES = ['info', 'warning', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];

/** What this screen changes: the same fields on a rule or in a connection's override. */
type RuleChange = Pick<UpdateAlertRule, 'threshold' | 'duration_s' | 'severity' | 'enabled'>;

/** The fields a connection's override may set. */
const OVERRIDABLE = ['threshold', 'clear_threshold', 'duration_s', 'enabled', 'severity'] as const;

interface Draft {
  threshold: string;
  duration: string;
  severity: Severity;
}

const draftOf = (rule: AlertRuleJson): Draft => ({
  threshold: String(rule.threshold),
  duration: String(rule.duration_s),
  severity: rule.severity,
});

/** The draft as rule fields, or the message naming the field that is not a number. */
function parseDraft(draft: Draft): { threshold: number; duration_s: number; severity: Severity } | string {
  const threshold = Number(draft.threshold);
  const duration = Number(draft.duration);
  if (draft.threshold.trim() === '' || !Number.isFinite(threshold)) return 'threshold: must be a number';
  if (draft.duration.trim() === '' || !Number.isInteger(duration) || duration < 0)
    return 'duration_s: must be a whole number of seconds, 0 or more';
  return { threshold, duration_s: duration, severity: draft.severity };
}

/** The fields a connection's override changed, as body fields (the server names them `durationS`). */
export function overriddenFields(rule: AlertRuleJson): string[] {
  return rule.overridden.map((name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
}

/** A connection's override as it stands (the fields it changed, at their effective values), plus `change`. */
export function overrideWith(rule: AlertRuleJson, change: RuleChange): AlertRuleOverride {
  const kept = Object.fromEntries(
    OVERRIDABLE.filter((field) => overriddenFields(rule).includes(field)).map((field) => [
      field,
      rule[field],
    ]),
  );
  return { ...kept, ...change };
}

/** `> 0.9 for 5 min`: when a rule fires. */
function condition(rule: AlertRuleJson): string {
  const kind = rule.kind === 'anomaly' ? `${rule.threshold}× the baseline` : String(rule.threshold);
  const held = rule.duration_s > 0 ? ` for ${rule.duration_s} s` : '';
  return `${rule.metric} ${rule.operator} ${kind}${held}`;
}

function RuleEditor({
  rule,
  connection,
  busy,
  onSave,
  onReset,
  onCancel,
}: {
  rule: AlertRuleJson;
  connection: string;
  busy: boolean;
  onSave: (fields: { threshold: number; duration_s: number; severity: Severity }) => void;
  onReset: () => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(() => draftOf(rule));
  const [invalid, setInvalid] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseDraft(draft);
    setInvalid(typeof parsed === 'string' ? parsed : undefined);
    if (typeof parsed !== 'string') onSave(parsed);
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-label={`Edit ${rule.name}`}>
      <h3>
        {rule.name}
        {connection ? <span className="muted"> on {connection}</span> : null}
      </h3>
      <p className="muted small">
        {connection
          ? 'Saved as this connection’s override; other connections keep the rule as defined.'
          : 'Changes the rule for every connection without an override.'}
      </p>
      <label className="field">
        <span>
          Threshold ({rule.metric} {rule.operator})
        </span>
        <input
          inputMode="decimal"
          value={draft.threshold}
          onChange={(e) => setDraft({ ...draft, threshold: e.target.value })}
        />
      </label>
      <label className="field">
        <span>Duration it must hold (seconds)</span>
        <input
          inputMode="numeric"
          value={draft.duration}
          onChange={(e) => setDraft({ ...draft, duration: e.target.value })}
        />
      </label>
      <label className="field">
        <span>Severity</span>
        <select
          value={draft.severity}
          onChange={(e) => setDraft({ ...draft, severity: e.target.value as Severity })}
        >
          {SEVERITIES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <ErrorNotice error={invalid} />
      <div className="modal-actions">
        {connection && rule.overridden.length > 0 ? (
          <button type="button" className="button" disabled={busy} onClick={onReset}>
            Remove the override
          </button>
        ) : null}
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}

/**
 * The Alert rules admin screen (manage_alert_rules): the rules with their thresholds as defined, or
 * in effect on one connection (its overrides applied and marked); enable or disable, and edit the
 * threshold, duration and severity — of the rule, or as the chosen connection's override.
 */
export function AlertRulesAdmin({ api }: AlertRulesAdminProps) {
  const [connections, setConnections] = useState<string[]>([]);
  const [connection, setConnection] = useState('');
  const [rules, setRules] = useState<AlertRuleJson[]>([]);
  const [editing, setEditing] = useState<string>();
  const action = useAction();
  const { run } = action;

  useEffect(() => {
    void run(async () => setConnections((await api.listConnections()).connections.map((c) => c.name)));
  }, [api, run]);
  const load = useCallback(
    () =>
      run(async () => {
        const query = connection ? { connection } : {};
        setRules((await api.listAlertRules({ query })).rules);
      }),
    [api, connection, run],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const change = (rule: AlertRuleJson, edit: RuleChange) =>
    run(async () => {
      // Only what differs from the values in effect: an unchanged field does not become an override.
      const fields = Object.fromEntries(
        Object.entries(edit).filter(([key, value]) => rule[key as keyof RuleChange] !== value),
      ) as RuleChange;
      if (connection)
        await api.setAlertRuleOverride({
          params: { id: rule.id, connection },
          body: overrideWith(rule, fields),
        });
      else await api.updateAlertRule({ params: { id: rule.id }, body: fields });
      setEditing(undefined);
      await load();
    });
  const reset = (rule: AlertRuleJson) =>
    run(async () => {
      const cleared = Object.fromEntries(OVERRIDABLE.map((field) => [field, null]));
      await api.setAlertRuleOverride({ params: { id: rule.id, connection }, body: cleared });
      setEditing(undefined);
      await load();
    });

  return (
    <section className="admin-page pad" aria-labelledby="alert-rules-title">
      <h2 id="alert-rules-title">Alert rules</h2>
      <label className="inline-field admin-filter">
        Thresholds in effect on
        <select
          value={connection}
          onChange={(e) => {
            setEditing(undefined);
            setConnection(e.target.value);
          }}
        >
          <option value="">every connection</option>
          {connections.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <ErrorNotice error={action.error} />
      <div className="table-scroll">
        <table className="admin-table stacked-table" aria-label="Alert rules">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Fires when</th>
              <th>Severity</th>
              <th>Enabled</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <Fragment key={rule.id}>
                <tr>
                  <td data-label="Rule">
                    <span className="cell-title">{rule.name}</span>
                    <span className="cell-sub small muted">
                      {rule.category}
                      {rule.builtin ? ' · default' : ''}
                    </span>
                  </td>
                  <td data-label="Fires when">
                    {condition(rule)}
                    {rule.overridden.length > 0 ? (
                      <span className="cell-sub small">
                        overridden here: {overriddenFields(rule).join(', ')}
                      </span>
                    ) : null}
                  </td>
                  <td data-label="Severity">
                    <span className={`badge severity-${rule.severity}`}>{rule.severity}</span>
                  </td>
                  <td data-label="Enabled">
                    <input
                      type="checkbox"
                      aria-label={`Enable ${rule.name}`}
                      checked={rule.enabled}
                      disabled={action.busy}
                      onChange={(e) => void change(rule, { enabled: e.target.checked })}
                    />
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button small"
                      aria-label={`Edit ${rule.name}`}
                      onClick={() => setEditing(rule.id)}
                    >
                      Edit
                    </button>
                  </td>
                </tr>
                {rule.id === editing ? (
                  <tr>
                    <td colSpan={5}>
                      <RuleEditor
                        key={`${rule.id}:${connection}`}
                        rule={rule}
                        connection={connection}
                        busy={action.busy}
                        onSave={(fields) => void change(rule, fields)}
                        onReset={() => void reset(rule)}
                        onCancel={() => setEditing(undefined)}
                      />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
