import { useState } from 'react';
import { buildPlanTree, misestimate, type PlanTreeNode } from './plan-tree.js';

/** Props of {@link PlanView}. */
export interface PlanViewProps {
  /** execute_explain's structuredContent.plan. */
  plan: unknown;
  findings: readonly string[];
  /** The tool's text plan, a click away. */
  text: string;
  executionMs?: number;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

function NodeRow({ node, total }: { node: PlanTreeNode; total: number | undefined }) {
  const off = misestimate(node);
  const share = node.timeMs !== undefined && total ? Math.min(1, node.timeMs / total) : undefined;
  return (
    <li className="plan-node" data-testid="plan-node">
      <div className={`plan-node-box ${node.findings.length > 0 ? 'has-findings' : ''}`}>
        <div className="plan-node-head">
          <strong>{node.label}</strong>
          {share !== undefined ? (
            <span className="plan-share" aria-label={`${Math.round(share * 100)}% of the time`}>
              <span style={{ width: `${Math.max(2, share * 100)}%` }} />
            </span>
          ) : null}
        </div>
        <dl className="plan-figures small">
          {node.totalCost !== undefined ? (
            <div>
              <dt>cost</dt>
              <dd>
                {fmt(node.startupCost ?? 0, 2)}..{fmt(node.totalCost, 2)}
              </dd>
            </div>
          ) : null}
          {node.planRows !== undefined ? (
            <div>
              <dt>rows est.</dt>
              <dd>{fmt(node.planRows)}</dd>
            </div>
          ) : null}
          {node.actualRows !== undefined ? (
            <div className={off !== undefined && off >= 10 ? 'plan-off' : ''}>
              <dt>actual</dt>
              <dd>
                {fmt(node.actualRows)}
                {node.loops !== undefined && node.loops > 1 ? ` (${fmt(node.loops)} loops)` : ''}
                {off !== undefined && off >= 10 ? ` · off ${fmt(off)}×` : ''}
              </dd>
            </div>
          ) : null}
          {node.timeMs !== undefined ? (
            <div>
              <dt>time</dt>
              <dd>{fmt(node.timeMs, 3)} ms</dd>
            </div>
          ) : null}
        </dl>
        {node.details.length > 0 ? (
          <ul className="plan-details small muted">
            {node.details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        ) : null}
        {node.findings.map((f) => (
          <p key={f} className="plan-finding small" role="note">
            {f}
          </p>
        ))}
      </div>
      {node.children.length > 0 ? (
        <ul className="plan-children">
          {node.children.map((child) => (
            <NodeRow key={child.id} node={child} total={total} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** EXPLAIN as a tree of nodes with cost, estimated and actual rows, time and the findings inline. */
export function PlanView({ plan, findings, text, executionMs }: PlanViewProps) {
  const [showText, setShowText] = useState(false);
  const tree = buildPlanTree(plan, findings);
  return (
    <div className="plan-view">
      <div className="result-meta">
        <span>
          {executionMs !== undefined ? `Executed in ${fmt(executionMs, 3)} ms` : 'Planned, not executed'}
          {findings.length === 0
            ? ' · no findings: the plan looks reasonable'
            : ` · ${findings.length} finding${findings.length === 1 ? '' : 's'}`}
        </span>
        <button
          type="button"
          className="button small"
          aria-pressed={showText}
          onClick={() => setShowText((s) => !s)}
        >
          {showText || !tree ? 'Plan tree' : 'Text plan'}
        </button>
      </div>
      {(tree?.unplaced ?? findings).length > 0 ? (
        <ul className="findings">
          {(tree?.unplaced ?? findings).map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      ) : null}
      {showText || !tree ? (
        <pre className="code plan">{text}</pre>
      ) : (
        <ul className="plan-tree" aria-label="Plan tree">
          <NodeRow node={tree.root} total={tree.root.timeMs} />
        </ul>
      )}
    </div>
  );
}
