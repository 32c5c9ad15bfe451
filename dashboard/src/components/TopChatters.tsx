import type { NamedCount } from '../api/types';
import { formatCount } from '../lib/format';

/** The chatters with the most messages in the range, with a bar proportional to the count. */
export function TopChatters({
  chatters,
  limit = 10,
  unavailable = false,
}: {
  chatters: readonly NamedCount[] | null;
  limit?: number;
  unavailable?: boolean;
}) {
  const rows = [...(chatters ?? [])]
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, limit);
  const most = rows[0]?.count ?? 0;
  return (
    <section className="panel" aria-label="Top chatters" data-testid="top-chatters">
      <h2 className="panel-title">Top chatters</h2>
      {chatters === null && (
        <p className="muted">
          {unavailable ? 'Chatters are not available (see the error above).' : 'Loading chatters…'}
        </p>
      )}
      {chatters !== null && rows.length === 0 && (
        <p className="muted" data-testid="top-chatters-empty">
          No chat in this range yet.
        </p>
      )}
      {rows.length > 0 && (
        <table className="rank-table">
          <thead>
            <tr>
              <th scope="col" className="rank-table__rank">
                #
              </th>
              <th scope="col">Chatter</th>
              <th scope="col" className="num">
                Messages
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr
                key={row.name}
                data-testid="chatter-row"
                data-name={row.name}
                data-count={row.count}
              >
                <td className="rank-table__rank muted">{i + 1}</td>
                <td className="rank-table__name">
                  <span className="rank-table__label">{row.name}</span>
                  <span
                    className="bar"
                    aria-hidden="true"
                    style={{ width: `${most > 0 ? (100 * row.count) / most : 0}%` }}
                  />
                </td>
                <td className="num">{formatCount(row.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
