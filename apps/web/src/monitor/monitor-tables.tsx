import type { MetricsAnswer, TopQuery } from './monitor-source.js';
import { latestBy } from './series.js';
import { formatValue, humanBytes, shortNumber } from './units.js';

const LARGEST_TABLES = 10;

/** The statements that took the most time over the range (pg_stat_statements deltas). */
export function TopQueries({ result }: { result: { rows?: TopQuery[]; error?: string } }) {
  return (
    <section className="monitor-table" aria-labelledby="top-queries-title">
      <h3 id="top-queries-title">Top queries by total time</h3>
      {result.error ? (
        <p className="muted small">Could not load: {result.error}</p>
      ) : !result.rows || result.rows.length === 0 ? (
        <p className="muted small">
          No statements recorded in this range (this needs the pg_stat_statements extension; the collection
          status says when it is missing).
        </p>
      ) : (
        <div className="table-scroll">
          <table className="admin-table stacked-table monitor-stats">
            <thead>
              <tr>
                <th>Query</th>
                <th className="num">Total time</th>
                <th className="num">Calls</th>
                <th className="num">Mean</th>
                <th className="num">Rows</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((q, i) => (
                <tr key={`${q.database}-${i}`}>
                  <td data-label="Query" className="query-cell">
                    {q.query === null ? (
                      <span className="muted small">
                        (text withheld: other sessions’ statements are for administrators)
                      </span>
                    ) : (
                      <code className="query-text" title={q.query}>
                        {q.query}
                      </code>
                    )}
                    {q.database ? <span className="cell-sub muted small">{q.database}</span> : null}
                  </td>
                  <td data-label="Total time" className="num">
                    {formatValue(q.totalMs, 'ms')}{' '}
                    <span className="muted small">{Math.round(q.share * 100)} %</span>
                  </td>
                  <td data-label="Calls" className="num">
                    {shortNumber(q.calls)}
                  </td>
                  <td data-label="Mean" className="num">
                    {formatValue(q.meanMs, 'ms')}
                  </td>
                  <td data-label="Rows" className="num">
                    {shortNumber(q.rows)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The largest tables at the end of the range, with heap, index and TOAST sizes. */
export function LargestTables({ result }: { result: { answer?: MetricsAnswer; error?: string } }) {
  const tables = latestBy(result.answer?.series ?? [], 'total_bytes').slice(0, LARGEST_TABLES);
  const bytes = (v: unknown) => (typeof v === 'number' ? humanBytes(v) : '–');
  return (
    <section className="monitor-table" aria-labelledby="largest-tables-title">
      <h3 id="largest-tables-title">Largest tables</h3>
      {result.error ? (
        <p className="muted small">Could not load: {result.error}</p>
      ) : tables.length === 0 ? (
        <p className="muted small">No table sizes recorded in this range (collected every 15 minutes).</p>
      ) : (
        <div className="table-scroll">
          <table className="admin-table stacked-table monitor-stats">
            <thead>
              <tr>
                <th>Table</th>
                <th className="num">Total</th>
                <th className="num">Heap</th>
                <th className="num">Indexes</th>
                <th className="num">TOAST</th>
              </tr>
            </thead>
            <tbody>
              {tables.map((t) => (
                <tr key={`${t.dims.database_name}.${t.dims.schema_name}.${t.dims.table_name}`}>
                  <td data-label="Table">
                    {t.dims.schema_name}.{t.dims.table_name}
                    <span className="cell-sub muted small">{t.dims.database_name}</span>
                  </td>
                  <td data-label="Total" className="num">
                    {humanBytes(t.value)}
                  </td>
                  <td data-label="Heap" className="num">
                    {bytes(t.values.heap_bytes)}
                  </td>
                  <td data-label="Indexes" className="num">
                    {bytes(t.values.index_bytes)}
                  </td>
                  <td data-label="TOAST" className="num">
                    {bytes(t.values.toast_bytes)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
